//! The one WebAssembly binary of the site. The browser downloads it once and
//! runs it in three places, each told apart here: the page (mounts the Yew
//! app), the store worker (registers the worker that owns the store) and,
//! when started under the parser's name by that worker, a parse worker.

fn main() {
    use gloo::worker::Registrable;
    use wasm_bindgen::JsCast;
    // The release build aborts on a panic, which the console shows only as a
    // trap: say first what went wrong (a parse worker adds its own report).
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("Trailglass stopped: {info}").into());
    }));
    if js_sys::global().dyn_into::<web_sys::Window>().is_ok() {
        yew::Renderer::<trailglass::app::App>::new().render();
    } else if trailglass::parser::is_parser() {
        trailglass::parser::run();
    } else {
        trailglass::worker::IngestWorker::registrar()
            .encoding::<trailglass::codec::WorkerCodec>()
            .register();
    }
}
