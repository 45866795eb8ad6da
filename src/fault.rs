//! Owns the fault switch the end-to-end tests use to prove that a parser's
//! failure costs only the file at fault: a page opened with
//! `?fault=MODE:NAME` (MODE `panic`, `trap`, `hang` or `damage`: an answer
//! with a byte changed; `damage-answer`: the parser of that file damages its
//! next answer to a scan, fetch or rule check, `damage-answers` every one) has its parsers fail that way on the
//! file whose name ends with NAME, and `&watchdog=MS` sets how long the store worker waits
//! for a silent parser, `&batch=N` how many
//! files a batch holds at most, `&answerdelay=MS` how long they wait before
//! answering a scan or a fetch, `&storelimit=MB` where the store stops
//! taking files; `?parsers=0` has the
//! store worker parse and hold everything itself (the reference the
//! parsers' answers are compared with). The switch lives in the URL, so it
//! only ever affects the tab it is opened in.

/// How a parser fails on the chosen file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A Rust panic inside a promise continuation.
    Panic,
    /// A WebAssembly trap (`unreachable`), which runs no panic hook.
    Trap,
    /// Never answers.
    Hang,
    /// Answers with its batch's segment damaged (one byte changed).
    Damage,
    /// The parser that parsed the file damages its next answer to a scan,
    /// a fetch or a rule check (one byte, or its checksum).
    DamageAnswer,
    /// The same for every answer it gives from then on.
    DamageAnswers,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub mode: Mode,
    pub file_suffix: String,
}

impl Fault {
    /// Reads `fault=MODE:NAME` from a query string.
    pub fn parse(search: &str) -> Option<Self> {
        let value = query_value(search, "fault")?;
        let (mode, file_suffix) = value.split_once(':')?;
        let mode = match mode {
            "panic" => Mode::Panic,
            "trap" => Mode::Trap,
            "hang" => Mode::Hang,
            "damage" => Mode::Damage,
            "damage-answer" => Mode::DamageAnswer,
            "damage-answers" => Mode::DamageAnswers,
            _ => return None,
        };
        (!file_suffix.is_empty()).then(|| Self {
            mode,
            file_suffix: file_suffix.to_owned(),
        })
    }

    /// The fault this worker's own URL asks for.
    pub fn from_location() -> Option<Self> {
        Self::parse(&location_search())
    }

    /// Fails as asked when `name` is the chosen file.
    pub async fn strike(&self, name: &str) {
        if !name.ends_with(&self.file_suffix) {
            return;
        }
        match self.mode {
            Mode::Panic => panic!("fault injected on {name}"),
            // In wasm, an abort is the `unreachable` trap.
            Mode::Trap => std::process::abort(),
            Mode::Hang => std::future::pending::<()>().await,
            Mode::Damage | Mode::DamageAnswer | Mode::DamageAnswers => {}
        }
    }

    /// Whether the answer for a batch holding `name` is to be damaged.
    pub fn damages(&self, name: &str) -> bool {
        self.mode == Mode::Damage && name.ends_with(&self.file_suffix)
    }

    /// How many of its answers to asks a parser that parsed `name` damages.
    pub fn answers_to_damage(&self, name: &str) -> u32 {
        if !name.ends_with(&self.file_suffix) {
            return 0;
        }
        match self.mode {
            Mode::DamageAnswer => 1,
            Mode::DamageAnswers => u32::MAX,
            _ => 0,
        }
    }
}

/// The store worker's wait for a silent parser, when the URL sets one.
pub fn watchdog_ms(search: &str) -> Option<f64> {
    query_value(search, "watchdog")?.parse().ok()
}

/// The most files a batch may hold, when the URL sets it (`batch=N`): small
/// batches put several on each parser, as a big load does.
pub fn batch_jobs(search: &str) -> Option<usize> {
    query_value(search, "batch")?
        .parse()
        .ok()
        .filter(|&n| n > 0)
}

/// How long parsers wait before answering a scan or a fetch, when the URL
/// sets it (`answerdelay=MS`): a view and the detections then wait on the
/// parsers at the same time, as they do on a big load.
pub fn answer_delay_ms(search: &str) -> Option<u32> {
    query_value(search, "answerdelay")?.parse().ok()
}

/// The store's memory ceiling, when the URL lowers it (`storelimit=MB`):
/// a load that reaches it is tested without loading gigabytes.
pub fn store_limit_bytes(search: &str) -> Option<usize> {
    query_value(search, "storelimit")?
        .parse::<usize>()
        .ok()
        .filter(|&mb| mb > 0)
        .map(|mb| mb * 1_000_000)
}

/// Whether the URL asks for no parse workers at all.
pub fn no_parsers(search: &str) -> bool {
    query_value(search, "parsers") == Some("0")
}

/// The part of a page's query string that the store worker passes on to
/// its own URL (and so to its parsers): the fault switch only.
pub fn forwarded(search: &str) -> String {
    let kept: Vec<&str> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| {
            [
                "fault=",
                "watchdog=",
                "parsers=",
                "batch=",
                "answerdelay=",
                "storelimit=",
            ]
            .iter()
            .any(|key| pair.starts_with(key))
        })
        .collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    }
}

fn query_value<'s>(search: &'s str, key: &str) -> Option<&'s str> {
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
}

/// This worker's (or page's) `location.search`.
pub fn location_search() -> String {
    js_sys::Reflect::get(&js_sys::global(), &"location".into())
        .and_then(|location| js_sys::Reflect::get(&location, &"search".into()))
        .ok()
        .and_then(|search| search.as_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_switch_is_read_from_the_query_and_nothing_else_is_forwarded() {
        assert_eq!(
            Fault::parse("?x=1&fault=trap:a/b.json.gz"),
            Some(Fault {
                mode: Mode::Trap,
                file_suffix: "a/b.json.gz".into()
            })
        );
        assert_eq!(Fault::parse("?fault=melt:x"), None);
        assert_eq!(Fault::parse("?fault=panic:"), None);
        assert_eq!(Fault::parse(""), None);
        assert_eq!(watchdog_ms("?fault=hang:x&watchdog=2500"), Some(2500.0));
        assert_eq!(answer_delay_ms("?answerdelay=1500"), Some(1500));
        assert_eq!(store_limit_bytes("?storelimit=8"), Some(8_000_000));
        assert_eq!(store_limit_bytes("?storelimit=0"), None);
        assert_eq!(forwarded("?storelimit=8&q=x"), "?storelimit=8");
        assert_eq!(
            Fault::parse("?fault=damage:x.json"),
            Some(Fault {
                mode: Mode::Damage,
                file_suffix: "x.json".into()
            })
        );
        let answers = Fault::parse("?fault=damage-answers:x.json").expect("a fault");
        assert_eq!(answers.mode, Mode::DamageAnswers);
        assert_eq!(answers.answers_to_damage("a/x.json"), u32::MAX);
        assert!(!answers.damages("a/x.json"));
        let answer = Fault::parse("?fault=damage-answer:x.json").expect("a fault");
        assert_eq!(answer.answers_to_damage("a/x.json"), 1);
        assert_eq!(answer.answers_to_damage("a/y.json"), 0);
        assert_eq!(forwarded("?answerdelay=9&q=x"), "?answerdelay=9");
        assert_eq!(
            forwarded("?q=secret&fault=hang:x&watchdog=9"),
            "?fault=hang:x&watchdog=9"
        );
        assert_eq!(forwarded("?q=secret"), "");
        assert!(no_parsers("?parsers=0") && !no_parsers("?parsers=2") && !no_parsers(""));
        assert_eq!(forwarded("?parsers=0&q=x"), "?parsers=0");
        assert_eq!(batch_jobs("?fault=hang:x&batch=4"), Some(4));
        assert_eq!(batch_jobs("?batch=0"), None);
    }
}
