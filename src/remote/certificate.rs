//! The remote's HTTPS certificate: made by Stillpoint on first use (self-signed), kept in
//! the remote's folder readable by this user alone, and reused; its SHA-256 fingerprint is
//! what the therapist compares with the one the browser shows.

use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};

/// The certificate file in the remote's folder.
pub const CERTIFICATE_FILE: &str = "certificate.pem";
/// Its private key.
pub const KEY_FILE: &str = "key.pem";

/// The certificate the remote serves with, and its fingerprint.
#[derive(Debug)]
pub struct Certificate {
    /// The TLS settings for the server.
    pub config: Arc<ServerConfig>,
    /// SHA-256 of the certificate, as colon-separated upper-case hex pairs.
    pub fingerprint: String,
}

/// Loads the certificate kept in `folder`, or makes one (for `addresses` and
/// `stillpoint.local`) and keeps it there when there is none.
pub fn load_or_make(folder: &Path, addresses: &[IpAddr]) -> Result<Certificate, String> {
    let cert_path = folder.join(CERTIFICATE_FILE);
    let key_path = folder.join(KEY_FILE);
    if !cert_path.exists() || !key_path.exists() {
        make(folder, addresses)?;
    }
    let read = |path: &Path| {
        std::fs::read(path).map_err(|error| format!("cannot read {}: {error}", path.display()))
    };
    let cert_pem = read(&cert_path)?;
    let key_pem = read(&key_path)?;
    let cert = CertificateDer::from_pem_slice(&cert_pem)
        .map_err(|error| format!("{} is not a certificate: {error}", cert_path.display()))?;
    let key = PrivateKeyDer::from_pem_slice(&key_pem)
        .map_err(|error| format!("{} is not a private key: {error}", key_path.display()))?;
    let fingerprint = fingerprint(&cert);
    let mut config = ServerConfig::builder_with_provider(tls_provider())
        .with_safe_default_protocol_versions()
        .map_err(|error| format!("TLS cannot be set up: {error}"))?
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .map_err(|error| {
            format!(
                "the certificate in {} cannot be used ({error}); remove {} and {} to make a \
                 new one",
                folder.display(),
                CERTIFICATE_FILE,
                KEY_FILE
            )
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Certificate {
        config: Arc::new(config),
        fingerprint,
    })
}

/// The TLS cryptography: rustls on *ring*.
#[expect(
    deprecated,
    reason = "ring is chosen over aws-lc, which needs cmake and clang to build; its lack of \
              post-quantum key exchange is acceptable on a clinic's own network"
)]
pub fn tls_provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The SHA-256 fingerprint of a certificate, as browsers show it: `AB:CD:…`.
pub fn fingerprint(cert: &[u8]) -> String {
    Sha256::digest(cert)
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Makes a self-signed certificate for this computer's names and addresses.
fn make(folder: &Path, addresses: &[IpAddr]) -> Result<(), String> {
    let mut names = vec!["stillpoint.local".to_owned(), "localhost".to_owned()];
    names.extend(addresses.iter().map(ToString::to_string));
    let made = rcgen::generate_simple_self_signed(names)
        .map_err(|error| format!("cannot make the remote's certificate: {error}"))?;
    crate::private::create_dir(folder)
        .map_err(|error| format!("cannot make {}: {error}", folder.display()))?;
    // The key first: a certificate without its key would be loaded and fail.
    for (name, text) in [
        (KEY_FILE, made.signing_key.serialize_pem()),
        (CERTIFICATE_FILE, made.cert.pem()),
    ] {
        let path = folder.join(name);
        write_private(&path, text.as_bytes())
            .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    }
    Ok(())
}

/// Writes `bytes` as the file at `path`, atomically, readable and writable by this user
/// alone (mode 600) whatever folder it is in.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    crate::private::write_atomically(path, |file| file.write_all(bytes))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_certificate_is_made_once_private_and_reused() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let folder = dir.path().join("remote");
        let first = load_or_make(&folder, &[]).expect("made");
        let again = load_or_make(&folder, &[]).expect("reused");
        assert_eq!(first.fingerprint, again.fingerprint);
        assert_eq!(first.fingerprint.len(), 32 * 3 - 1);
        #[cfg(unix)]
        for name in [CERTIFICATE_FILE, KEY_FILE] {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(folder.join(name))
                .expect("there")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{name}");
        }
    }
}
