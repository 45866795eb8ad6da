//! The ingest worker's entry point: registers the worker that owns the store.

#[cfg(target_arch = "wasm32")]
fn main() {
    use gloo::worker::Registrable;
    trailglass::web::worker::IngestWorker::registrar()
        .encoding::<trailglass::web::codec::StructuredClone>()
        .register();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the `worker` binary runs in the browser: build it with `trunk build`");
}
