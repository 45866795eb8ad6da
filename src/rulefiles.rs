//! Owns the user's Sigma rule files on the page: telling them from log files,
//! reading them, and keeping them in this browser's IndexedDB (never sent
//! anywhere) so they are there again in the next tab.

use super::files::Picked;
use super::protocol::RuleFile;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

const DATABASE: &str = "trailglass";
const STORE: &str = "rule-files";
/// A rule file past this is not read whole: the worker reads the first
/// bytes and says the file is too big (its limit is 16 MB).
const READ_LIMIT: f64 = 16.0 * 1024.0 * 1024.0 + 1.0;

/// Whether a picked or dropped file is a Sigma rule file, by its name.
pub fn is_rule_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yml") || lower.ends_with(".yaml")
}

/// The text of each picked rule file (invalid UTF-8 replaced: the rule
/// lab then shows where the file stops making sense).
pub async fn read(picked: Vec<Picked>) -> Vec<RuleFile> {
    let mut files = Vec::new();
    for Picked { name, file } in picked {
        let part = if file.size() > READ_LIMIT {
            file.slice_with_f64_and_f64(0.0, READ_LIMIT).ok()
        } else {
            Some(web_sys::Blob::from(file))
        };
        let Some(part) = part else { continue };
        let text = match JsFuture::from(part.array_buffer()).await {
            Ok(buffer) => {
                String::from_utf8_lossy(&js_sys::Uint8Array::new(&buffer).to_vec()).into_owned()
            }
            Err(error) => format!("# could not be read: {}", super::js_error_text(&error)),
        };
        files.push(RuleFile { name, text });
    }
    files
}

/// `files` with `added` in, a file of the same name replaced.
pub fn merged(mut files: Vec<RuleFile>, added: Vec<RuleFile>) -> Vec<RuleFile> {
    for file in added {
        match files.iter_mut().find(|f| f.name == file.name) {
            Some(old) => *old = file,
            None => files.push(file),
        }
    }
    files
}

/// Waits for an IndexedDB request.
async fn done(request: &web_sys::IdbRequest) -> Result<JsValue, JsValue> {
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

async fn database() -> Result<web_sys::IdbDatabase, JsValue> {
    let factory = web_sys::window()
        .ok_or(JsValue::NULL)?
        .indexed_db()?
        .ok_or(JsValue::NULL)?;
    let open = factory.open_with_u32(DATABASE, 1)?;
    let upgrade = Closure::once_into_js({
        let open = open.clone();
        move || {
            // Version 1's upgrade runs only on a database without the store.
            if let Ok(db) = open
                .result()
                .and_then(|r| r.dyn_into::<web_sys::IdbDatabase>())
            {
                let _ = db.create_object_store(STORE);
            }
        }
    });
    open.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    done(&open).await?.dyn_into()
}

/// The rule files kept in this browser, in the order they were added.
pub async fn stored() -> Vec<RuleFile> {
    let read = async {
        let db = database().await?;
        let store = db.transaction_with_str(STORE)?.object_store(STORE)?;
        let keys = done(&store.get_all_keys()?).await?;
        let values = done(&store.get_all()?).await?;
        let keys: js_sys::Array = keys.dyn_into()?;
        let values: js_sys::Array = values.dyn_into()?;
        let mut files: Vec<(f64, RuleFile)> = keys
            .iter()
            .zip(values.iter())
            .filter_map(|(key, value)| {
                let name = key.as_string()?;
                let text = js_sys::Reflect::get(&value, &"text".into())
                    .ok()?
                    .as_string()?;
                let order = js_sys::Reflect::get(&value, &"order".into())
                    .ok()
                    .and_then(|o| o.as_f64())
                    .unwrap_or(0.0);
                Some((order, RuleFile { name, text }))
            })
            .collect();
        files.sort_by(|a, b| a.0.total_cmp(&b.0));
        Ok::<_, JsValue>(files.into_iter().map(|(_, f)| f).collect())
    };
    read.await.unwrap_or_default()
}

/// Keeps exactly `files` (earlier ones not among them are removed).
pub async fn keep(files: Vec<RuleFile>) {
    let write = async {
        let db = database().await?;
        let transaction =
            db.transaction_with_str_and_mode(STORE, web_sys::IdbTransactionMode::Readwrite)?;
        let store = transaction.object_store(STORE)?;
        // Requests run in order: waiting for the last one waits for all,
        // and nothing is awaited while the transaction must stay open.
        let mut last = store.clear()?;
        for (order, file) in files.iter().enumerate() {
            let value = js_sys::Object::new();
            js_sys::Reflect::set(&value, &"text".into(), &file.text.as_str().into())?;
            js_sys::Reflect::set(&value, &"order".into(), &(order as f64).into())?;
            last = store.put_with_key(&value, &file.name.as_str().into())?;
        }
        done(&last).await?;
        Ok::<_, JsValue>(())
    };
    if let Err(error) = write.await {
        web_sys::console::warn_1(&error);
    }
}
