//! The page's entry point: mounts the Yew app.

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<trailglass::web::app::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the `app` binary runs in the browser: build it with `trunk build`");
}
