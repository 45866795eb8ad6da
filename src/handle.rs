//! Owns a file of a load as it crosses from the page to the workers: its
//! bytes when the page read it, or its handle when a parser reads it, and
//! how the workers read it (whole, or the window a part of it needs).

use serde::{Deserialize, Serialize};
use trailglass_core::input::split::{Need, PartRead};
use trailglass_core::load::schedule::Part;
use wasm_bindgen_futures::JsFuture;

/// A file of a load as it crosses to the worker.
#[derive(Clone, Serialize, Deserialize)]
pub struct FileHandle {
    pub name: String,
    pub size: f64,
    pub content: Content,
}

/// Chromium spends a fixed fraction of a millisecond on every `File` that
/// crosses to a worker, and again on every worker it crosses on to: the page
/// reads small files itself and sends their bytes, which cost only a copy.
/// A big file crosses as its handle: copying it would hold the page up, and
/// its parts can be read by several parsers.
#[derive(Clone, Serialize, Deserialize)]
pub enum Content {
    Bytes(#[serde(with = "serde_wasm_bindgen::preserve")] js_sys::ArrayBuffer),
    File(#[serde(with = "serde_wasm_bindgen::preserve")] web_sys::File),
}

impl FileHandle {
    /// A handle whose size is not known yet: asking a picked `File` its size
    /// costs the page half a millisecond of waiting on the browser process
    /// (measured: 1.1-1.5 s for 3,034 files), so the store worker asks
    /// instead ([`FileHandle::learn_size`]).
    pub fn from_file(name: String, file: web_sys::File) -> Self {
        Self {
            name,
            size: 0.0,
            content: Content::File(file),
        }
    }

    /// Fills in a handle's size (in a worker, where waiting costs no frame).
    pub fn learn_size(&mut self) {
        if let Content::File(file) = &self.content {
            self.size = file.size();
        }
    }

    /// The file's bytes, read if they did not come with it. The read starts
    /// now, not when the future is first polled, so reads can be started ahead.
    pub fn read(&self) -> impl std::future::Future<Output = Result<Vec<u8>, String>> + 'static {
        let reading = match &self.content {
            Content::Bytes(buffer) => Err(buffer.clone()),
            Content::File(file) => Ok(JsFuture::from(file.array_buffer())),
        };
        async move {
            match reading {
                Err(buffer) => Ok(js_sys::Uint8Array::new(&buffer).to_vec()),
                Ok(read) => read
                    .await
                    .map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec())
                    .map_err(|error| super::js_error_text(&error)),
            }
        }
    }

    /// What a job needs of the file: all of it, or of a big text cut into
    /// parts, its first bytes and the part's window ([`trailglass_core::input::split`]), read
    /// as slices of the file.
    pub fn read_part(
        &self,
        part: Part,
    ) -> impl std::future::Future<Output = Result<PartRead, String>> + 'static {
        let file = match &self.content {
            Content::File(file) if !part.is_whole() => Some(file.clone()),
            _ => None,
        };
        let whole = file.is_none().then(|| self.read());
        async move {
            let Some(file) = file else {
                return whole
                    .expect("read when not sliced")
                    .await
                    .map(PartRead::Whole);
            };
            let len = file.size() as u64;
            let head =
                read_slice(&file, 0, trailglass_core::input::split::HEAD_BYTES.min(len)).await?;
            match trailglass_core::input::split::part_needs(&head, len, part) {
                Need::Window(at, to) => Ok(PartRead::Window {
                    bytes: read_slice(&file, at, to).await?,
                    head,
                    at,
                    len,
                }),
                Need::Whole => read_slice(&file, 0, len).await.map(PartRead::Whole),
                // Nothing of the file: the part loads nothing.
                Need::Nothing => Ok(PartRead::Whole(Vec::new())),
            }
        }
    }

    /// What its first bytes say wraps it (only a handle's first bytes are read).
    pub async fn container(&self) -> trailglass_core::input::container::Container {
        let head = match &self.content {
            Content::Bytes(buffer) => js_sys::Uint8Array::new_with_byte_offset_and_length(
                buffer,
                0,
                buffer.byte_length().min(4),
            )
            .to_vec(),
            Content::File(file) => read_slice(file, 0, (file.size() as u64).min(4))
                .await
                .unwrap_or_default(),
        };
        trailglass_core::input::container::sniff(&head)
    }
}

/// Bytes `from..to` of a file.
async fn read_slice(file: &web_sys::File, from: u64, to: u64) -> Result<Vec<u8>, String> {
    let slice = file
        .slice_with_f64_and_f64(from as f64, to as f64)
        .map_err(|error| super::js_error_text(&error))?;
    let buffer = JsFuture::from(slice.array_buffer())
        .await
        .map_err(|error| super::js_error_text(&error))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

impl trailglass_core::load::schedule::Input for FileHandle {
    fn name(&self) -> &str {
        &self.name
    }
    fn size(&self) -> u64 {
        self.size as u64
    }
}

/// What the page sends the worker.
pub type Request = super::protocol::ToWorker<FileHandle>;
