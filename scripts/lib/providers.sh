# Sourced by the scripts that build or check one thing per provider.
#
# provider_ids
#   Prints the provider ids, one per line, as the provider registry (src/providers/mod.rs) names
#   their Cargo features: one `#[cfg(feature = "<id>")] Class, ...` line each.
provider_ids() {
  sed -n 's/^ *#\[cfg(feature = "\([a-z0-9]*\)")\] [A-Z].*/\1/p' src/providers/mod.rs
}

# package_features
#   Prints the Cargo features of the npm package's `fitconnect` entry: every provider, comma
#   separated (and no `test-hooks`).
package_features() {
  provider_ids | paste -sd,
}
