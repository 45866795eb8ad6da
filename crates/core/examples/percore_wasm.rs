//! Per-core ingest benchmark, wasm side: [`trailglass_core::load::batch`] exported to
//! JavaScript, so Node runs exactly what a browser parse worker runs per
//! batch (`scripts/bench-wasm.sh`, `make bench-wasm`). Natively this is an
//! empty library: the native side is `crates/core/benches/percore.rs`.

#[cfg(target_arch = "wasm32")]
#[path = "../benches/scan_steps.rs"]
mod scan_steps;

#[cfg(target_arch = "wasm32")]
mod exported {
    use trailglass_core::load::batch::BatchParse;
    use trailglass_core::load::ingest::{Limits, Loader};
    use trailglass_core::store::segment::Segment;
    use wasm_bindgen::prelude::wasm_bindgen;

    /// One batch being parsed, as a browser parse worker parses it.
    #[wasm_bindgen]
    pub struct Batch {
        parse: Option<BatchParse>,
        text_bytes: f64,
    }

    #[wasm_bindgen]
    impl Batch {
        #[wasm_bindgen(constructor)]
        pub fn new() -> Batch {
            Batch {
                parse: Some(BatchParse::new(Limits::browser())),
                text_bytes: 0.0,
            }
        }

        /// Parses one file (its bytes are copied into wasm memory, as a
        /// parse worker copies each file it reads).
        pub fn load(&mut self, name: &str, bytes: &[u8]) {
            if let Some(parse) = self.parse.as_mut() {
                parse.load(name, bytes);
            }
        }

        /// Detections and the encoded segment (copied out to JavaScript,
        /// as a parse worker copies it into the buffer it posts).
        pub fn finish(&mut self) -> Vec<u8> {
            let Some(parse) = self.parse.take() else {
                return Vec::new();
            };
            self.text_bytes = parse.report().text_bytes as f64;
            parse.finish()
        }

        /// Bytes of text (inflated JSON) the batch held, known after `finish`.
        #[wasm_bindgen(getter)]
        pub fn text_bytes(&self) -> f64 {
            self.text_bytes
        }
    }

    /// [`trailglass_core::load::batch::canonical`]: a segment with its raw blocks
    /// inflated, to compare with the native parse (not timed).
    #[wasm_bindgen]
    pub fn canonical(segment: &[u8]) -> Vec<u8> {
        trailglass_core::load::batch::canonical(segment).unwrap_or_default()
    }

    /// The store worker's side, to weigh the store the segments make in
    /// wasm (not timed).
    #[wasm_bindgen]
    pub struct Merged(Loader);

    #[wasm_bindgen]
    impl Merged {
        #[wasm_bindgen(constructor)]
        pub fn new() -> Merged {
            Merged(Loader::new(Limits::browser()))
        }

        /// Merges one segment; false when it does not decode.
        pub fn add(&mut self, segment: &[u8]) -> bool {
            match Segment::decode(segment) {
                Ok(segment) => {
                    self.0.merge(segment);
                    true
                }
                Err(_) => false,
            }
        }

        /// The store's bytes per event once sealed.
        pub fn store_bytes_per_event(&mut self) -> f64 {
            self.0.store.seal();
            self.0.store.heap_bytes() as f64 / self.0.store.len().max(1) as f64
        }

        pub fn events(&self) -> f64 {
            self.0.store.len() as f64
        }

        /// Free-text steps over the sealed store (see `scan_steps.rs`): bytes inflated.
        pub fn inflate(&self) -> f64 {
            super::scan_steps::inflate(&self.0.store) as f64
        }

        pub fn inflate_and_lower(&self) -> f64 {
            super::scan_steps::inflate_and_lower(&self.0.store) as f64
        }

        /// Events whose JSON holds `text` (any case).
        pub fn scan(&self, text: &str) -> f64 {
            super::scan_steps::scan(&self.0.store, text) as f64
        }
    }

    impl Default for Merged {
        fn default() -> Self {
            Self::new()
        }
    }

    impl Default for Batch {
        fn default() -> Self {
            Self::new()
        }
    }
}
