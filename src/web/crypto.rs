//! Randomness from `crypto.getRandomValues`.

use crate::core::error::invalid_config;
use crate::core::Error;

/// `N` random bytes.
///
/// # Errors
/// `invalid_config` where there is no browser window, or where `crypto.getRandomValues` is
/// missing or throws.
pub fn random<const N: usize>() -> Result<[u8; N], Error> {
    let mut bytes = [0u8; N];
    super::window()?
        .crypto()
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes))
        .map_err(|_| invalid_config("crypto.getRandomValues is not available"))?;
    Ok(bytes)
}
