//! Saves bytes the page was given (an export) as a file the user downloads:
//! through a blob URL, never a network request.

use wasm_bindgen::JsCast;

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The browser's gzip encoder (web-sys has it only behind its unstable APIs).
    type CompressionStream;
    #[wasm_bindgen(constructor)]
    fn new(format: &str) -> CompressionStream;
    /// A `ReadableStream`, seen from the binding below.
    #[wasm_bindgen(js_name = ReadableStream)]
    type Readable;
    #[wasm_bindgen(method, js_name = pipeThrough)]
    fn pipe_through(this: &Readable, transform: &CompressionStream) -> web_sys::ReadableStream;
}

/// A blob of `parts` (byte arrays or blobs) typed `mime`.
fn blob(parts: &wasm_bindgen::JsValue, mime: &str) -> Option<web_sys::Blob> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_blob_sequence_and_options(parts, &options).ok()
}

/// Saves bytes the worker produced as a file, through a blob URL (never a
/// network request); gzipped first by the browser when `gzip` is set.
pub fn download(file_name: String, mime: String, bytes: &[u8], gzip: bool) {
    let Some(plain) = blob(&js_sys::Array::of1(&js_sys::Uint8Array::from(bytes)), &mime) else {
        return;
    };
    if !gzip {
        save(&file_name, &plain);
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let gzipped = plain
            .stream()
            .unchecked_into::<Readable>()
            .pipe_through(&CompressionStream::new("gzip"));
        let Ok(response) = web_sys::Response::new_with_opt_readable_stream(Some(&gzipped)) else {
            return;
        };
        let Ok(promise) = response.blob() else { return };
        if let Ok(body) = wasm_bindgen_futures::JsFuture::from(promise).await {
            if let Some(typed) = blob(&js_sys::Array::of1(&body), &mime) {
                save(&file_name, &typed);
            }
        }
    });
}

/// Hands `blob` to the browser's download, named `file_name`.
fn save(file_name: &str, blob: &web_sys::Blob) {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
        return;
    };
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        if let Ok(anchor) = document.create_element("a") {
            let anchor: web_sys::HtmlAnchorElement = anchor.unchecked_into();
            anchor.set_href(&url);
            anchor.set_download(file_name);
            anchor.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
