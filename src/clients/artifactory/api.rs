//! The Artifactory API calls Cloud Connect makes besides downloads: ping, the repository's
//! storage info, the deep file list and one file's checksum and size.

use reqwest::StatusCode;
use serde::Deserialize;

use super::*;

#[derive(Debug, Deserialize)]
struct FileList {
    files: Vec<RemoteFile>,
}

#[derive(Debug, Deserialize)]
struct Checksums {
    sha256: Option<String>,
}

#[derive(Debug, Deserialize)]
struct FileInfo {
    checksums: Option<Checksums>,
    size: Option<serde_json::Value>,
}

impl Artifactory {
    /// `GET {url}/api/system/ping`: is this an Artifactory at all?
    pub fn ping(&self) -> Result<(), ArtError> {
        let url = format!("{}/api/system/ping", self.base);
        let a = self.get(&url, false, SMALL_BODY)?;
        let status = a.status;
        let body = String::from_utf8_lossy(&a.body).into_owned();
        if !status.is_success() {
            return Err(ArtError::NotArtifactory {
                url,
                reason: format!("HTTP {status}: {}", jfrog_message(&body)),
            });
        }
        if body.trim() != "OK" {
            return Err(ArtError::NotArtifactory {
                url,
                reason: format!(
                    "the ping answered '{}' instead of OK",
                    body.trim().chars().take(60).collect::<String>()
                ),
            });
        }
        Ok(())
    }

    /// `GET {url}/api/storage/{repository}` with the credential: the credential works and the
    /// repository exists.
    pub fn check_repository(&self) -> Result<(), ArtError> {
        let url = format!("{}/api/storage/{}", self.base, self.repository);
        let a = self.get(&url, true, INFO_BODY)?;
        if !a.status.is_success() {
            return Err(self.status_error(&url, &a));
        }
        let v: serde_json::Value =
            serde_json::from_slice(&a.body).map_err(|e| ArtError::NotArtifactory {
                url: url.clone(),
                reason: format!("the storage API did not answer JSON: {e}"),
            })?;
        if v.get("repo").is_none() && v.get("children").is_none() {
            return Err(ArtError::NotArtifactory {
                url,
                reason: "the storage API answer has no repo or children".into(),
            });
        }
        Ok(())
    }

    /// Every file of the repository (`?list&deep=1`).
    pub fn list_files(&self) -> Result<Vec<RemoteFile>, ArtError> {
        let url = format!("{}/api/storage/{}?list&deep=1", self.base, self.repository);
        let a = self.get(&url, true, LIST_BODY)?;
        if !a.status.is_success() {
            return Err(self.status_error(&url, &a));
        }
        let list: FileList =
            serde_json::from_slice(&a.body).map_err(|e| ArtError::NotArtifactory {
                url,
                reason: format!("the file list is not the documented JSON: {e}"),
            })?;
        Ok(list.files.into_iter().filter(|f| !f.folder).collect())
    }

    /// The SHA-256 and size Artifactory records for a file.
    pub fn file_checksum(&self, path: &str) -> Result<(String, Option<u64>), ArtError> {
        let url = format!("{}/api/storage/{}{}", self.base, self.repository, path);
        let a = self.get(&url, true, INFO_BODY)?;
        if a.status == StatusCode::NOT_FOUND {
            return Err(ArtError::NoFile {
                path: path.to_owned(),
                repository: self.repository.clone(),
            });
        }
        if !a.status.is_success() {
            return Err(self.status_error(&url, &a));
        }
        let info: FileInfo =
            serde_json::from_slice(&a.body).map_err(|e| ArtError::NotArtifactory {
                url: url.clone(),
                reason: format!("the file info is not the documented JSON: {e}"),
            })?;
        let sha =
            info.checksums
                .and_then(|c| c.sha256)
                .ok_or_else(|| ArtError::NotArtifactory {
                    url,
                    reason: format!("no SHA-256 checksum is recorded for {path}"),
                })?;
        let size = info.size.and_then(|s| match s {
            serde_json::Value::String(s) => s.parse().ok(),
            serde_json::Value::Number(n) => n.as_u64(),
            _ => None,
        });
        Ok((sha.to_lowercase(), size))
    }
}
