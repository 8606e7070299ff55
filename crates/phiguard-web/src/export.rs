//! `GET /export`: the signed auditor bundle (`phiguard records export`) as one tar file.

use std::path::Path;

use axum::extract::State;
use axum::response::Response;
use phiguard_store::StoreError;

use crate::access::{self, Perm};
use crate::app::{AppState, Authed, WebError};
use crate::records::attachment;

/// `GET /export`: writes the bundle into a temporary directory, packs it, audits
/// `bundle_export`.
pub async fn bundle(State(state): State<AppState>, authed: Authed) -> Result<Response, WebError> {
    if !authed.user.role.can(Perm::Export) {
        return Err(WebError::Forbidden("your role cannot export".into()));
    }
    let Some(key) = state.config().signing_key.clone() else {
        return Err(WebError::BadRequest(
            "the server has no audit signing key, so it cannot sign a bundle; start it with --signing-key".into(),
        ));
    };
    let ctx = authed.ctx(&state);
    let now = state.now();
    let stamp = now.as_second();
    let bytes = state
        .db(move |s| {
            let dir = std::env::temp_dir().join(format!(
                "phiguard-bundle-{}-{}",
                std::process::id(),
                access::random_token()?.get(..12).unwrap_or("x")
            ));
            let result = phiguard_store::bundle::export(s, &key, now, &dir).and_then(|manifest| {
                let tar = tar_dir(&dir, "phiguard-bundle")?;
                access::audit(
                    s,
                    &ctx,
                    "bundle_export",
                    "bundle",
                    &format!("{stamp}"),
                    "success",
                    format!(
                        "{} exported the auditor bundle ({} files)",
                        ctx.actor,
                        manifest.files.len()
                    ),
                )?;
                Ok(tar)
            });
            let _ = std::fs::remove_dir_all(&dir);
            result
        })
        .await?;
    Ok(attachment(
        &format!("phiguard-bundle-{stamp}.tar"),
        "application/x-tar",
        bytes,
    ))
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Packs the regular files under `dir` into a ustar archive under `prefix/`.
pub fn tar_dir(dir: &Path, prefix: &str) -> Result<Vec<u8>, StoreError> {
    let mut files = Vec::new();
    collect(dir, dir, &mut files)?;
    files.sort();
    let mut out = Vec::new();
    for rel in files {
        let path = dir.join(&rel);
        let data = std::fs::read(&path).map_err(io(&path))?;
        let name = format!("{prefix}/{rel}");
        append(&mut out, &name, &data)?;
    }
    out.resize(out.len() + 1024, 0);
    Ok(out)
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), StoreError> {
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

/// Appends one file (ustar header + data padded to 512 bytes).
pub fn append(out: &mut Vec<u8>, name: &str, data: &[u8]) -> Result<(), StoreError> {
    let mut header = [0u8; 512];
    let (prefix, base) = if name.len() <= 100 {
        ("", name)
    } else {
        match name.rfind('/') {
            Some(i) if i <= 155 && name.len() - i - 1 <= 100 => (&name[..i], &name[i + 1..]),
            _ => {
                return Err(StoreError::invalid(
                    "bundle",
                    format!("file name too long for tar: {name}"),
                ));
            }
        }
    };
    header[..base.len()].copy_from_slice(base.as_bytes());
    let octal = |buf: &mut [u8], value: u64| {
        let text = format!("{:0width$o}\0", value, width = buf.len() - 1);
        buf.copy_from_slice(text.as_bytes());
    };
    octal(&mut header[100..108], 0o644);
    octal(&mut header[108..116], 0);
    octal(&mut header[116..124], 0);
    octal(&mut header[124..136], data.len() as u64);
    octal(&mut header[136..148], 0);
    header[148..156].copy_from_slice(b"        ");
    header[156] = b'0';
    header[257..263].copy_from_slice(b"ustar\0");
    header[263..265].copy_from_slice(b"00");
    header[345..345 + prefix.len()].copy_from_slice(prefix.as_bytes());
    let sum: u32 = header.iter().map(|b| u32::from(*b)).sum();
    let text = format!("{sum:06o}\0 ");
    header[148..156].copy_from_slice(text.as_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(data);
    let pad = (512 - data.len() % 512) % 512;
    out.resize(out.len() + pad, 0);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tar_headers_are_ustar_with_valid_checksums() {
        let mut out = Vec::new();
        append(&mut out, "b/manifest.json", b"{}\n").unwrap();
        assert_eq!(out.len(), 1024);
        assert_eq!(&out[..15], b"b/manifest.json");
        assert_eq!(&out[257..262], b"ustar");
        let stored = std::str::from_utf8(&out[148..154]).unwrap();
        let mut h = out[..512].to_vec();
        h[148..156].copy_from_slice(b"        ");
        let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
        assert_eq!(u32::from_str_radix(stored, 8).unwrap(), sum);
        assert_eq!(&out[512..515], b"{}\n");
    }
}
