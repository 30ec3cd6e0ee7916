//! The TLS client configuration for `ldaps://` and StartTLS: rustls with
//! the ring provider named explicitly (a process where two providers are
//! compiled in has no default one), trusting `ca_file` when it is set and
//! the system's roots otherwise.

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use super::error::DirectoryError;

pub fn client_config(ca_file: &str) -> Result<rustls::ClientConfig, DirectoryError> {
    let mut roots = rustls::RootCertStore::empty();
    if ca_file.is_empty() {
        let found = rustls_native_certs::load_native_certs();
        for cert in found.certs {
            let _ = roots.add(cert); // one unusable system root is no reason to trust none
        }
    } else {
        let certs = CertificateDer::pem_file_iter(ca_file)
            .map_err(|e| DirectoryError::Config(format!("directory.ca_file {ca_file}: {e}")))?;
        for cert in certs {
            let cert = cert
                .map_err(|e| DirectoryError::Config(format!("directory.ca_file {ca_file}: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| DirectoryError::Config(format!("directory.ca_file {ca_file}: {e}")))?;
        }
    }
    if roots.is_empty() {
        return Err(DirectoryError::Config(format!(
            "no trusted CA certificate{}: set directory.ca_file to the PEM file of the CA that \
             signed the server's certificate",
            if ca_file.is_empty() {
                " among the system's"
            } else {
                " in directory.ca_file"
            }
        )));
    }
    // ring builds with a C compiler alone (aws-lc-rs needs cmake); its
    // provider lacks only the post-quantum key exchange LDAP servers do not
    // offer yet.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| DirectoryError::Config(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}
