//! The ingest worker's entry point: registers the worker that owns the store,
//! or, when started under the parser's name by that worker, serves as a parser.

#[cfg(target_arch = "wasm32")]
fn main() {
    use gloo::worker::Registrable;
    if trailglass::web::parser::is_parser() {
        trailglass::web::parser::run();
        return;
    }
    trailglass::web::worker::IngestWorker::registrar()
        .encoding::<trailglass::web::codec::StructuredClone>()
        .register();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the `worker` binary runs in the browser: build it with `trunk build`");
}
