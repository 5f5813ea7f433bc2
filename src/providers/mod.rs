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

pub use crate::core::config::{configure, Config, Provider};

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
            assert!(
                lib.contains(&[", ", provider.id, ", \""].concat()),
                "lib.rs's classes! registers {}",
                provider.id
            );
        }
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
