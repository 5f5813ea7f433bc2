//! PKCE (RFC 7636) and `state` values, from randomness the caller supplies.
//!
//! The browser layer fills the bytes from `crypto.getRandomValues`; tests pass fixed bytes.
//! SHA-256 comes from `sha2` and base64url from `base64ct` (constant-time), so the challenge is
//! computed synchronously, inside the click, without the asynchronous `crypto.subtle`.

use std::fmt;

use base64ct::{Base64UrlUnpadded, Encoding as _};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Bytes of randomness behind a `state` or a verifier: 256 bits, twice RFC 6749 §10.10's minimum
/// and RFC 7636 §7.1's recommendation of 32 octets.
pub const RANDOM_LEN: usize = 32;

/// Base64url without padding (RFC 4648 §5), as RFC 7636 §3 requires.
pub fn base64url(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// An opaque `state` value (RFC 6749 §10.12) from 32 random bytes: 43 base64url characters.
///
/// # Examples
/// ```
/// use fitconnect::core::pkce::{new_state, RANDOM_LEN};
///
/// // In the browser the bytes come from `crypto.getRandomValues`.
/// let state = new_state(&[7; RANDOM_LEN]);
/// assert_eq!(state.len(), 43);
/// assert!(state.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
/// ```
pub fn new_state(random: &[u8; RANDOM_LEN]) -> String {
    base64url(random)
}

/// A short, non-reversible name for a secret (base64url of its SHA-256), so that tabs can say
/// which refresh token they spent without sending it.
pub fn fingerprint(secret: &str) -> String {
    base64url(&sha256(secret.as_bytes()))
}

/// A PKCE code verifier. It is a secret until the code exchange: its `Debug` is redacted, it is
/// wiped when dropped, and it is not `Clone`, so it is not copied around by accident.
///
/// # Examples
/// The example of RFC 7636 Appendix B: the verifier goes to the token request, its S256
/// challenge to the authorise URL.
/// ```
/// use fitconnect::core::pkce::CodeVerifier;
///
/// let random = [
///     116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37,
///     77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
/// ];
/// let verifier = CodeVerifier::new(&random);
/// assert_eq!(verifier.secret(), "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
/// assert_eq!(verifier.challenge_s256(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
/// // The secret never shows in logs.
/// assert_eq!(format!("{verifier:?}"), "CodeVerifier([redacted])");
/// ```
pub struct CodeVerifier(Zeroizing<String>);

impl CodeVerifier {
    /// A verifier from 32 random bytes: 43 characters of `[A-Za-z0-9-_]` (RFC 7636 §4.1).
    pub fn new(random: &[u8; RANDOM_LEN]) -> Self {
        CodeVerifier(Zeroizing::new(base64url(random)))
    }

    /// Takes a verifier read back from the stored transaction.
    pub fn from_stored(value: String) -> Self {
        CodeVerifier(Zeroizing::new(value))
    }

    /// The verifier text, for the token request.
    pub fn secret(&self) -> &str {
        &self.0
    }

    /// The S256 challenge: `BASE64URL(SHA256(ASCII(verifier)))` (RFC 7636 §4.2).
    pub fn challenge_s256(&self) -> String {
        base64url(&sha256(self.0.as_bytes()))
    }
}

impl fmt::Debug for CodeVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CodeVerifier([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn sha256_known_answer() {
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn base64url_has_no_padding() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn rfc7636_appendix_b_vector() {
        let random: [u8; 32] = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let verifier = CodeVerifier::new(&random);
        assert_eq!(
            verifier.secret(),
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        );
        assert_eq!(
            verifier.challenge_s256(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert_eq!(format!("{verifier:?}"), "CodeVerifier([redacted])");
    }

    #[test]
    fn state_is_43_chars_of_256_bits_and_follows_the_randomness() {
        let a = new_state(&[1; RANDOM_LEN]);
        let b = new_state(&[2; RANDOM_LEN]);
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }

    #[test]
    fn fingerprints_differ_and_hide_the_secret() {
        assert_ne!(fingerprint("a"), fingerprint("b"));
        assert!(!fingerprint("refresh-token").contains("refresh"));
        assert_eq!(fingerprint("a").len(), 43);
    }
}
