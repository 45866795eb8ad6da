//! Owns Trailglass's IndexedDB database in this browser: its object stores
//! (the user's rule files, the case), created and upgraded in one place,
//! and waiting on its requests. Nothing kept here is ever sent anywhere.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

const DATABASE: &str = "trailglass";
/// Version 1 had the rule files; version 2 adds the case.
const VERSION: u32 = 2;
pub const RULE_FILES: &str = "rule-files";
pub const CASE: &str = "case";
const STORES: [&str; 2] = [RULE_FILES, CASE];

/// Waits for an IndexedDB request.
pub async fn done(request: &web_sys::IdbRequest) -> Result<JsValue, JsValue> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let ok = {
            let request = request.clone();
            Closure::once_into_js(move || {
                let _ = resolve.call1(&JsValue::NULL, &request.result().unwrap_or(JsValue::NULL));
            })
        };
        let failed = Closure::once_into_js(move |event: JsValue| {
            let _ = reject.call1(&JsValue::NULL, &event);
        });
        request.set_onsuccess(Some(ok.unchecked_ref()));
        request.set_onerror(Some(failed.unchecked_ref()));
    });
    JsFuture::from(promise).await
}

/// The database, its stores created where an older version lacks them.
pub async fn database() -> Result<web_sys::IdbDatabase, JsValue> {
    let factory = web_sys::window()
        .ok_or(JsValue::NULL)?
        .indexed_db()?
        .ok_or(JsValue::NULL)?;
    let open = factory.open_with_u32(DATABASE, VERSION)?;
    let upgrade = Closure::once_into_js({
        let open = open.clone();
        move || {
            if let Ok(db) = open
                .result()
                .and_then(|r| r.dyn_into::<web_sys::IdbDatabase>())
            {
                let names = db.object_store_names();
                for store in STORES {
                    if !names.contains(store) {
                        let _ = db.create_object_store(store);
                    }
                }
            }
        }
    });
    open.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    done(&open).await?.dyn_into()
}

/// The value kept under `key` in `store`, if any.
pub async fn get(store: &str, key: &str) -> Option<JsValue> {
    let read = async {
        let db = database().await?;
        let store = db.transaction_with_str(store)?.object_store(store)?;
        done(&store.get(&key.into())?).await
    };
    read.await
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

/// Keeps `value` under `key` in `store`.
pub async fn put(store: &str, key: &str, value: &JsValue) -> Result<(), JsValue> {
    let db = database().await?;
    let transaction =
        db.transaction_with_str_and_mode(store, web_sys::IdbTransactionMode::Readwrite)?;
    let request = transaction
        .object_store(store)?
        .put_with_key(value, &key.into())?;
    done(&request).await.map(|_| ())
}
