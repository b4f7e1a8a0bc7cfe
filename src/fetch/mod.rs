//! Network access and the disk cache: the HTTP client, the cache of fetched files, and the
//! direct downloads clusterctl makes (a remote `--config`, `--from` URLs).

pub mod cache;

use std::time::Duration;

use crate::error::Error;

/// A shared HTTP client with clusterctl's 30 second timeout.
#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
}

impl Http {
    /// Builds the client.
    pub fn new() -> Result<Http, Error> {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("capictl/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Network(format!("failed to build the HTTP client: {e}")))?;
        Ok(Http { client })
    }

    async fn get(&self, url: &str) -> Result<(u16, Vec<u8>), String> {
        let response = self
            .client
            .get(url)
            .send()
            .await
            .map_err(|e| describe(&e))?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(|e| describe(&e))?;
        Ok((status, body.to_vec()))
    }

    /// Downloads a remote clusterctl.yaml.
    pub async fn get_config(&self, url: &str) -> Result<Vec<u8>, Error> {
        let (status, body) = self.get(url).await.map_err(|reason| {
            Error::Network(format!(
                "failed to download the clusterctl config file from {url}: {reason}"
            ))
        })?;
        if status != 200 {
            return Err(Error::Network(format!(
                "failed to download the clusterctl config file from {url} got {status}"
            )));
        }
        Ok(body)
    }

    /// Downloads a template given with `--from`.
    pub async fn get_template(&self, url: &str) -> Result<Vec<u8>, Error> {
        let (status, body) = self
            .get(url)
            .await
            .map_err(|reason| Error::Network(format!("failed to get file {url}: {reason}")))?;
        if status != 200 {
            return Err(Error::Network(format!("failed to get file, got {status}")));
        }
        Ok(body)
    }
}

/// A transport error in words, with its causes.
fn describe(e: &reqwest::Error) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}
