//! Owns turning what the user dropped or picked into file handles, walking
//! dropped folders through the File System Entries API.

use serde::{Deserialize, Serialize};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// A file the user dropped or picked, as a handle: the worker reads it.
#[derive(Clone, Serialize, Deserialize)]
pub struct FileHandle {
    /// Path inside a dropped folder, or the file name.
    pub name: String,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub file: web_sys::File,
}

impl crate::schedule::Input for FileHandle {
    fn name(&self) -> &str {
        &self.name
    }
    fn size(&self) -> u64 {
        self.file.size() as u64
    }
}

/// What the page sends the worker.
pub type Request = super::protocol::ToWorker<FileHandle>;

/// Handles from an `<input type=file>` (with or without `webkitdirectory`).
pub fn from_file_list(list: &web_sys::FileList) -> Vec<FileHandle> {
    from_file_range(list, 0, list.length())
}

/// Handles for files `start..end` of a list.
pub fn from_file_range(list: &web_sys::FileList, start: u32, end: u32) -> Vec<FileHandle> {
    (start..end.min(list.length()))
        .filter_map(|i| list.get(i))
        .map(|file| {
            // `webkitRelativePath` is set by folder pickers; web-sys does not bind it.
            let relative = js_sys::Reflect::get(&file, &"webkitRelativePath".into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            let name = if relative.is_empty() {
                file.name()
            } else {
                relative
            };
            FileHandle { name, file }
        })
        .collect()
}

/// What a drop holds, taken synchronously: browsers empty the `DataTransfer`
/// once the drop handler returns.
pub enum Dropped {
    Entries(Vec<web_sys::FileSystemEntry>),
    Files(Vec<FileHandle>),
}

pub fn take_dropped(transfer: &web_sys::DataTransfer) -> Dropped {
    let items = transfer.items();
    let entries: Vec<web_sys::FileSystemEntry> = (0..items.length())
        .filter_map(|i| items.get(i))
        .filter_map(|item| item.webkit_get_as_entry().ok().flatten())
        .collect();
    if entries.is_empty() {
        Dropped::Files(
            transfer
                .files()
                .map(|list| from_file_list(&list))
                .unwrap_or_default(),
        )
    } else {
        Dropped::Entries(entries)
    }
}

/// Handles for everything dropped: files and whole folders (recursively).
pub async fn walk_dropped(dropped: Dropped) -> Vec<FileHandle> {
    let mut stack = match dropped {
        Dropped::Files(files) => return files,
        Dropped::Entries(entries) => entries,
    };
    let mut handles = Vec::new();
    while let Some(entry) = stack.pop() {
        if entry.is_directory() {
            let directory: web_sys::FileSystemDirectoryEntry = entry.unchecked_into();
            stack.extend(read_directory(&directory).await);
        } else if let Some(file) = entry_file(entry.unchecked_ref()).await {
            let path = entry.full_path();
            let name = path.strip_prefix('/').unwrap_or(&path).to_owned();
            handles.push(FileHandle { name, file });
        }
    }
    handles.sort_by(|a, b| a.name.cmp(&b.name));
    handles
}

/// All entries of a directory: `readEntries` returns them in batches until empty.
async fn read_directory(
    directory: &web_sys::FileSystemDirectoryEntry,
) -> Vec<web_sys::FileSystemEntry> {
    let reader = directory.create_reader();
    let mut all = Vec::new();
    loop {
        let batch = callback_promise(|resolve, reject| {
            if reader
                .read_entries_with_callback_and_callback(resolve, reject)
                .is_err()
            {
                let _ = reject.call0(&JsValue::NULL);
            }
        })
        .await;
        let Ok(batch) = batch else { break };
        let batch: js_sys::Array = batch.unchecked_into();
        if batch.length() == 0 {
            break;
        }
        all.extend(
            batch
                .iter()
                .map(JsCast::unchecked_into::<web_sys::FileSystemEntry>),
        );
    }
    all
}

async fn entry_file(entry: &web_sys::FileSystemFileEntry) -> Option<web_sys::File> {
    callback_promise(|resolve, reject| {
        entry.file_with_callback_and_callback(resolve, reject);
    })
    .await
    .ok()
    .map(JsCast::unchecked_into)
}

/// Adapts a callback-style API (success and error callbacks) to a future.
async fn callback_promise(
    call: impl FnOnce(&js_sys::Function, &js_sys::Function),
) -> Result<JsValue, JsValue> {
    let mut call = Some(call);
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let on_ok = Closure::once_into_js(move |value: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &value);
        });
        let on_err = Closure::once_into_js(move |error: JsValue| {
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        if let Some(call) = call.take() {
            call(on_ok.unchecked_ref(), on_err.unchecked_ref());
        }
    });
    wasm_bindgen_futures::JsFuture::from(promise).await
}

/// Files per message to the worker: a few milliseconds of the page's time each.
const SLICE_FILES: usize = 16;
/// Slices are sent for this long before the page gets the thread back.
const BUDGET_MS: f64 = 10.0;

thread_local! {
    static LOADS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Hands a load's `total` files to the worker a slice at a time, yielding to
/// the page between slices (see [`super::protocol::FileSlice`]). `slice(start,
/// end)` gives the handles of files `start..end`.
pub fn hand_over(
    send: yew::Callback<Request>,
    total: usize,
    mut slice: impl FnMut(usize, usize) -> Vec<FileHandle> + 'static,
) {
    if total == 0 {
        return;
    }
    let load = LOADS.with(|loads| {
        loads.set(loads.get().wrapping_add(1));
        loads.get()
    });
    wasm_bindgen_futures::spawn_local(async move {
        let mut start = 0;
        let mut task_started = js_sys::Date::now();
        while start < total {
            let end = (start + SLICE_FILES).min(total);
            send.emit(super::protocol::ToWorker::Load(
                super::protocol::FileSlice {
                    load,
                    first: start == 0,
                    files: slice(start, end),
                    total_files: total,
                },
            ));
            start = end;
            if start < total && js_sys::Date::now() - task_started > BUDGET_MS {
                yield_to_page().await;
                task_started = js_sys::Date::now();
            }
        }
    });
}

/// Lets the page handle input and paint: `scheduler.yield()` where the
/// browser has it (no 4 ms timer clamp), else a zero timeout.
async fn yield_to_page() {
    let scheduler = js_sys::Reflect::get(&js_sys::global(), &"scheduler".into()).ok();
    let yielded = scheduler.filter(|s| !s.is_undefined()).and_then(|s| {
        let method = js_sys::Reflect::get(&s, &"yield".into()).ok()?;
        let method: js_sys::Function = method.dyn_into().ok()?;
        method.call0(&s).ok()?.dyn_into::<js_sys::Promise>().ok()
    });
    match yielded {
        Some(promise) => {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        }
        None => gloo::timers::future::TimeoutFuture::new(0).await,
    }
}
