//! The providers, one file each: its description ([`Provider`]: id, name, flow, the connect
//! button's attributes), endpoints, options reader, request quirks and the TypeScript type of its
//! options, as data plus a few functions over the core's types.
//!
//! `registry!` is the one list of them. This module declares their files, [`ALL`] and [`Id`]
//! from it; `lib.rs` the exported classes and the connect button's client factory; `typescript.rs`
//! the `ProviderId` union and the per-provider TypeScript maps; the npm entries' class exports
//! follow the classes (`scripts/build.sh`). Adding a provider means one file here, its line in
//! `registry!` and its Cargo feature (a line's feature that `Cargo.toml` lacks is an
//! `unexpected_cfgs` warning).

pub use crate::core::config::{configure, Config, Flow, Provider};

/// The registered providers, one line each:
/// `#[cfg(feature = "<id>")] Class, module (its file in src/providers/, named by its id), flow
/// (popup, redirect or password), "its TypeScript options type"` (declared and documented in the
/// provider's file). The `cfg` names the Cargo feature that includes the provider's class (all of
/// them by default; a build with one is the npm package's `fitconnect/<id>` entry).
/// Expands `$then! { ...the lines... }`, for the macros that declare what follows from the list.
macro_rules! registry {
    ($then:ident) => {
        $then! {
            #[cfg(feature = "fitrankings")] FitRankings, fitrankings, popup, "FitRankingsOptions";
            #[cfg(feature = "fitbark")] FitBark, fitbark, redirect, "FitBarkOptions";
            #[cfg(feature = "perfectgym")] PerfectGym, perfectgym, password, "PerfectGymOptions";
            #[cfg(feature = "openfit")] OpenFit, openfit, password, "OpenFitOptions";
            #[cfg(feature = "fisikal")] Fisikal, fisikal, password, "FisikalOptions";
        }
    };
}

/// Declares the provider modules, [`ALL`] and [`Id`] from the registry.
macro_rules! providers {
    ($(#[$cfg:meta] $class:ident, $module:ident, $flow:ident, $options:literal;)*) => {
        $(
            pub mod $module;
        )*

        /// Every provider, in registration order.
        pub const ALL: &[&Provider] = &[$(#[$cfg] &$module::PROVIDER),*];

        /// A registered provider.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Id {
            $(
                #[doc = concat!("`", stringify!($module), "`: the `", stringify!($class), "` class.")]
                #[$cfg]
                $class,
            )*
        }

        impl Id {
            /// Every provider id, in registration order.
            pub const ALL: &[Id] = &[$(#[$cfg] Id::$class),*];

            /// The provider's description.
            pub fn provider(self) -> &'static Provider {
                match self {
                    $(#[$cfg] Id::$class => &$module::PROVIDER,)*
                }
            }

            /// The provider whose id is `id` (as in sessions, storage keys and the connect
            /// button's `provider` attribute).
            pub fn parse(id: &str) -> Option<Id> {
                Id::ALL.iter().copied().find(|p| p.provider().id == id)
            }

            /// Where each provider's file is: its module's name, which is its id.
            #[cfg(test)]
            const MODULES: &[&str] = &[$(#[$cfg] stringify!($module)),*];

            /// What includes it in a build: its line's `cfg`.
            #[cfg(test)]
            const CFGS: &[&str] = &[$(#[$cfg] stringify!($cfg)),*];

            /// Its flow, as registered.
            #[cfg(test)]
            fn registered_flow(self) -> Flow {
                match self {
                    $(#[$cfg] Id::$class => flow!($flow),)*
                }
            }

            /// Its options type's name, as registered, and its TypeScript declarations.
            #[cfg(test)]
            fn typescript(self) -> (&'static str, &'static str) {
                match self {
                    $(#[$cfg] Id::$class => ($options, $module::TYPESCRIPT),)*
                }
            }
        }
    };
}

#[cfg(test)]
macro_rules! flow {
    (popup) => {
        Flow::Popup
    };
    (redirect) => {
        Flow::Redirect
    };
    (password) => {
        Flow::Password
    };
}

registry!(providers);

/// The provider id equal to `name`, as a `'static` string.
pub fn id(name: &str) -> Option<&'static str> {
    Id::parse(name).map(|p| p.provider().id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The registry's line agrees with the provider's description: the module is named by the
    /// id (the TypeScript ids are the module names) and the class gets its flow's methods.
    #[test]
    fn registry_lines_agree_with_the_descriptions() {
        assert_eq!(ALL.len(), Id::ALL.len());
        for (i, id) in Id::ALL.iter().enumerate() {
            assert_eq!(id.provider().id, ALL[i].id);
            assert_eq!(
                Id::MODULES[i],
                id.provider().id,
                "{id:?}'s module is named by its id"
            );
            assert_eq!(id.registered_flow(), id.provider().flow, "{id:?}'s flow");
            assert_eq!(
                Id::CFGS[i],
                ["cfg(feature = \"", Id::MODULES[i], "\")"].concat(),
                "{id:?} is built with the Cargo feature named by its id"
            );
        }
    }

    /// Each provider's file declares the options type its class takes, and names every connect
    /// button attribute in it.
    #[test]
    fn each_provider_declares_its_options_type() {
        for id in Id::ALL {
            let (options, declarations) = id.typescript();
            assert!(
                declarations.contains(&["export interface ", options, " {"].concat()),
                "{id:?} declares {options}"
            );
            for attribute in id.provider().attributes {
                let name = ["`", attribute.name, "`"].concat();
                assert!(declarations.contains(&name), "{options} names {name}");
            }
        }
    }

    /// Where each provider's token requests go and how they are written, and what each sign-in
    /// carries.
    #[test]
    fn each_provider_signs_in_its_own_way() {
        use crate::core::config::testing::config;
        use crate::core::config::SignIn;
        use crate::core::config::TokenStyle;

        let c = config(
            &fitrankings::PROVIDER,
            r#"{"clientId":"c","callbackUri":"https://app.example/cb"}"#,
        )
        .unwrap();
        assert_eq!(c.provider, "fitrankings");
        assert_eq!(c.token_url(), None, "FitRankings has no token endpoint");
        assert!(matches!(c.sign_in, SignIn::Popup { .. }));

        let c = config(
            &fitbark::PROVIDER,
            r#"{"clientId":"cid","redirectUri":"https://app.example/","tokenEndpoint":"/broker/fitbark/token"}"#,
        )
        .unwrap();
        assert_eq!(
            c.token_style(),
            Some(TokenStyle::Json),
            "to the app's broker"
        );
        assert!(matches!(
            &c.sign_in,
            SignIn::Redirect { redirect_uri, pkce: true, .. } if redirect_uri == "https://app.example/"
        ));

        let c = config(&openfit::PROVIDER, r#"{"clientId":"of"}"#).unwrap();
        assert_eq!(c.token_style(), Some(TokenStyle::Form), "to the provider");
        assert_eq!(c.scope(), Some("OpenFitApi offline_access"));

        let c = config(
            &perfectgym::PROVIDER,
            r#"{"baseUrl":"https://club.example"}"#,
        )
        .unwrap();
        assert_eq!(c.token_style(), Some(TokenStyle::Form), "to the club");

        let c = config(
            &fisikal::PROVIDER,
            r#"{"baseUrl":"https://gym.example","tokenEndpoint":"/broker/fisikal/token"}"#,
        )
        .unwrap();
        assert_eq!(
            c.token_style(),
            Some(TokenStyle::Json),
            "to the app's broker"
        );
    }

    #[test]
    fn url_option_messages_name_the_option_and_the_rule() {
        use crate::core::config::testing::message;
        assert_eq!(
            message(
                &fitrankings::PROVIDER,
                r#"{"clientId":"c","callbackUri":"u","baseUrl":"https://a/?q"}"#
            ),
            "baseUrl must be an origin with an optional path"
        );
        assert_eq!(
            message(
                &openfit::PROVIDER,
                r#"{"clientId":"c","environment":{"identityUrl":"http://ids.example","apiUrl":"https://b"}}"#
            ),
            "environment.identityUrl must use https: (http: only for localhost, 127.0.0.1 or [::1])"
        );
    }

    #[test]
    fn ids_names_and_attributes_are_unique() {
        for (i, p) in ALL.iter().enumerate() {
            assert!(ALL[..i].iter().all(|q| q.id != p.id && q.name != p.name));
            for (j, a) in p.attributes.iter().enumerate() {
                assert!(
                    p.attributes[..j].iter().all(|b| b.name != a.name),
                    "{}",
                    a.name
                );
            }
            assert_eq!(id(p.id), Some(p.id));
        }
        assert_eq!(id("elsewhere"), None);
    }
}
