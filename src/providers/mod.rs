//! The five providers, one file each: its description ([`Provider`]: id, name, flow, the connect
//! button's attributes), endpoints, options reader and request quirks, as data plus a few
//! functions over the core's types. [`ALL`] registers them; the classes in `lib.rs`, the connect
//! button and the TypeScript provider ids follow it. Adding a provider means one file here, its
//! line in [`ALL`] and its line in `lib.rs`'s `classes!`.

pub mod fisikal;
pub mod fitbark;
pub mod fitrankings;
pub mod openfit;
pub mod perfectgym;

pub use crate::core::config::{configure, Config, Flow, Provider};

/// Every provider: the registration list.
pub const ALL: [&Provider; 5] = [
    &fitrankings::PROVIDER,
    &fitbark::PROVIDER,
    &perfectgym::PROVIDER,
    &openfit::PROVIDER,
    &fisikal::PROVIDER,
];

/// The provider id equal to `name`, as a `'static` string.
pub fn id(name: &str) -> Option<&'static str> {
    ALL.into_iter().map(|p| p.id).find(|id| *id == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The TypeScript declarations name the registered providers, in order: `ProviderId` and one
    /// options type per class.
    #[test]
    fn typescript_follows_the_registration() {
        let declarations = include_str!("../typescript.rs");
        let ids: Vec<String> = ALL.iter().map(|p| ["\"", p.id, "\""].concat()).collect();
        let union = ["export type ProviderId = ", &ids.join(" | "), ";"].concat();
        assert!(
            declarations.contains(&union),
            "typescript.rs should declare {union}"
        );
        let lib = include_str!("../lib.rs");
        for provider in ALL {
            let flow = match provider.flow {
                Flow::Popup => "popup",
                Flow::Redirect => "redirect",
                Flow::Password => "password",
            };
            let line = [", ", provider.id, ", ", flow, ", "].concat();
            assert!(
                lib.contains(&line),
                "lib.rs's classes! registers {} with its flow ({flow})",
                provider.id
            );
        }
    }

    /// Where each provider's token requests go and how they are written, and what each sign-in
    /// carries.
    #[test]
    fn each_provider_signs_in_its_own_way() {
        use crate::core::config::testing::config;
        use crate::core::config::SignIn;
        use crate::core::token::TokenStyle;

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
