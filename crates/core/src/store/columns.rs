//! Owns the event columns: each one's CloudTrail field, query names, label,
//! how it is read from a row, how SQL asks for it, and where the viewer
//! shows it (facets, table, detail, CSV), defined once in [`COLUMNS`].
//!
//! A new column is a [`Column`] variant, its [`ColumnDef`] at the same index
//! of [`COLUMNS`], and its storage (a row field in `store`, kept by the
//! segment codec and the merge in `ingest`); everything else reads it here.

use crate::input::identity::PrincipalKind;
pub use crate::store::RowLoop;
use crate::store::{flags, EventRow, EventStore, StringField};
use serde::{Deserialize, Serialize};

/// An event column, by its index in [`COLUMNS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Column {
    Principal,
    Kind,
    EventName,
    EventSource,
    Region,
    Account,
    SourceIp,
    ErrorCode,
    UserAgent,
    Time,
    ReadOnly,
}

/// Everything the viewer knows about one column.
pub struct ColumnDef {
    /// Its own id, equal to its index (checked as the crate compiles).
    pub column: Column,
    /// CloudTrail's name for it: the query language's canonical name, the
    /// SQL column (lowercase in Athena) and the page's `data-field`.
    pub field: &'static str,
    /// Other names the query language accepts; all names ignore case.
    pub aliases: &'static [&'static str],
    /// One line about it, for autocompletion.
    pub about: &'static str,
    /// What people read: facet headings, table headers, detail chips.
    pub label: &'static str,
    pub value: Value,
    pub sql: Sql,
    /// Its place in the facet sidebar (most telling first), if it is a facet.
    pub facet: Option<u8>,
    pub table: Option<TableSpec>,
    /// Whether the event detail offers "filter to this value".
    pub filter_to: bool,
    pub csv: Option<CsvSpec>,
}

/// How a column is read from a row.
#[derive(Clone, Copy)]
pub enum Value {
    /// One of a set of values known by small ids: facets count the ids and
    /// filters test each distinct value once, not each row.
    Ids(Ids),
    /// The event time: compared as a time, never counted as a facet.
    Time,
}

/// The id spaces of [`Value::Ids`] columns.
#[derive(Clone, Copy)]
pub enum Ids {
    /// An id into the store's strings (0 is the empty string: absent).
    Text(StringField),
    /// The acting principal: an id into the store's principals, matched by
    /// name or group.
    Principal,
    /// The principal's kind, matched by `userIdentity.type` or label.
    Kind,
    /// `readOnly`: absent, false or true.
    ReadOnly,
}

/// How "Copy as SQL" asks for a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sql {
    /// Its CloudTrail field as a column: lowercase in Athena, as is in Lake.
    Field,
    /// `readOnly`: a string in Athena, a boolean in Lake.
    ReadOnly,
    /// `userIdentity.type`, plus the kinds Trailglass infers without one.
    Kind,
    /// Approximated from the caller's ARN and names (a note says so).
    Principal,
}

/// A column the event table can show.
pub struct TableSpec {
    /// Its place from the left.
    pub at: u8,
    /// Shown until someone hides it in the column chooser.
    pub shown: bool,
    /// Its CSS grid track.
    pub width: &'static str,
    /// Its cells' class: a hook for styles and end-to-end tests, so it
    /// stays put when a field is renamed.
    pub class: &'static str,
    /// The cell's text from the value's text (shorter where it helps).
    pub cell: fn(&str) -> String,
}

/// A column of the events CSV. The CSV is a file format people script
/// against: its headers and order stay put when fields are renamed, and new
/// columns go last.
pub struct CsvSpec {
    pub at: u8,
    pub header: &'static str,
}

const PLAIN_WIDTH: &str = "minmax(5.5rem, 1fr)";

fn as_is(value: &str) -> String {
    value.to_owned()
}

fn spaced_time(value: &str) -> String {
    value.replace('T', " ")
}

/// Every service endpoint ends the same way; the table has little room.
fn service_name(value: &str) -> String {
    value.trim_end_matches(".amazonaws.com").to_owned()
}

/// Every column, indexed by [`Column`], in the order the query language's
/// help lists them.
pub const COLUMNS: [ColumnDef; 11] = [
    ColumnDef {
        column: Column::Principal,
        field: "principal",
        aliases: &[],
        about: "Who made the call: user, role or ARN",
        label: "Principal",
        value: Value::Ids(Ids::Principal),
        sql: Sql::Principal,
        facet: Some(2),
        table: Some(TableSpec {
            at: 1,
            shown: true,
            width: "minmax(8rem, 2fr)",
            class: "c-principal",
            cell: as_is,
        }),
        filter_to: true,
        csv: Some(CsvSpec {
            at: 5,
            header: "principal",
        }),
    },
    ColumnDef {
        column: Column::Kind,
        field: "kind",
        aliases: &["userIdentity.type"],
        about: "Identity type: IAMUser, AssumedRole, Root…",
        label: "Kind",
        value: Value::Ids(Ids::Kind),
        sql: Sql::Kind,
        facet: Some(3),
        table: None,
        filter_to: false,
        csv: Some(CsvSpec {
            at: 6,
            header: "principalKind",
        }),
    },
    ColumnDef {
        column: Column::EventName,
        field: "eventName",
        aliases: &["action"],
        about: "API action, e.g. ConsoleLogin or DeleteBucket",
        label: "Event name",
        value: Value::Ids(Ids::Text(StringField::EventName)),
        sql: Sql::Field,
        facet: Some(1),
        table: Some(TableSpec {
            at: 2,
            shown: true,
            width: PLAIN_WIDTH,
            class: "c-eventName",
            cell: as_is,
        }),
        filter_to: true,
        csv: Some(CsvSpec {
            at: 2,
            header: "eventName",
        }),
    },
    ColumnDef {
        column: Column::EventSource,
        field: "eventSource",
        aliases: &["service"],
        about: "AWS service endpoint, e.g. s3.amazonaws.com",
        label: "Event source",
        value: Value::Ids(Ids::Text(StringField::EventSource)),
        sql: Sql::Field,
        facet: Some(0),
        table: Some(TableSpec {
            at: 3,
            shown: true,
            width: PLAIN_WIDTH,
            class: "c-eventSource",
            cell: service_name,
        }),
        filter_to: true,
        csv: Some(CsvSpec {
            at: 1,
            header: "eventSource",
        }),
    },
    ColumnDef {
        column: Column::Region,
        field: "awsRegion",
        aliases: &["region"],
        about: "AWS region, e.g. us-east-1",
        label: "Region",
        value: Value::Ids(Ids::Text(StringField::Region)),
        sql: Sql::Field,
        facet: Some(4),
        table: Some(TableSpec {
            at: 4,
            shown: true,
            width: "minmax(5.5rem, .8fr)",
            class: "c-awsRegion",
            cell: as_is,
        }),
        filter_to: true,
        csv: Some(CsvSpec {
            at: 3,
            header: "awsRegion",
        }),
    },
    ColumnDef {
        column: Column::Account,
        field: "recipientAccountId",
        aliases: &["account"],
        about: "Account that received the event",
        label: "Account",
        value: Value::Ids(Ids::Text(StringField::Account)),
        sql: Sql::Field,
        facet: Some(8),
        table: None,
        filter_to: false,
        csv: Some(CsvSpec {
            at: 7,
            header: "recipientAccountId",
        }),
    },
    ColumnDef {
        column: Column::SourceIp,
        field: "sourceIPAddress",
        aliases: &["ip"],
        about: "Caller's IP address or AWS service name",
        label: "Source IP",
        value: Value::Ids(Ids::Text(StringField::SourceIp)),
        sql: Sql::Field,
        facet: Some(5),
        table: Some(TableSpec {
            at: 5,
            shown: true,
            width: "minmax(6.5rem, 1fr)",
            class: "c-sourceIPAddress",
            cell: as_is,
        }),
        filter_to: true,
        csv: Some(CsvSpec {
            at: 4,
            header: "sourceIPAddress",
        }),
    },
    ColumnDef {
        column: Column::ErrorCode,
        field: "errorCode",
        aliases: &["error"],
        about: "Error code such as AccessDenied; * for any",
        label: "Error code",
        value: Value::Ids(Ids::Text(StringField::ErrorCode)),
        sql: Sql::Field,
        facet: Some(6),
        table: Some(TableSpec {
            at: 6,
            shown: true,
            width: PLAIN_WIDTH,
            class: "c-errorCode",
            cell: as_is,
        }),
        filter_to: true,
        csv: Some(CsvSpec {
            at: 8,
            header: "errorCode",
        }),
    },
    ColumnDef {
        column: Column::UserAgent,
        field: "userAgent",
        aliases: &["agent"],
        about: "Caller's user agent (console, CLI, SDK…)",
        label: "User agent",
        value: Value::Ids(Ids::Text(StringField::UserAgent)),
        sql: Sql::Field,
        facet: Some(7),
        table: Some(TableSpec {
            at: 7,
            shown: true,
            width: "minmax(6rem, 1.5fr)",
            class: "c-userAgent",
            cell: as_is,
        }),
        filter_to: true,
        csv: Some(CsvSpec {
            at: 9,
            header: "userAgent",
        }),
    },
    ColumnDef {
        column: Column::Time,
        field: "eventTime",
        aliases: &["time"],
        about: "Event time: eventTime:2024-05-01, eventTime>=…",
        label: "Time",
        value: Value::Time,
        sql: Sql::Field,
        facet: None,
        table: Some(TableSpec {
            at: 0,
            shown: true,
            width: "10.5rem",
            class: "c-time",
            cell: spaced_time,
        }),
        filter_to: false,
        csv: Some(CsvSpec {
            at: 0,
            header: "eventTime",
        }),
    },
    ColumnDef {
        column: Column::ReadOnly,
        field: "readOnly",
        aliases: &[],
        about: "Whether the call only reads: true or false",
        label: "Read-only",
        value: Value::Ids(Ids::ReadOnly),
        sql: Sql::ReadOnly,
        facet: Some(9),
        table: None,
        filter_to: false,
        csv: None,
    },
];

// `Column::def` indexes `COLUMNS` by the id: an entry out of place fails the build.
const _: () = {
    let mut index = 0;
    while index < COLUMNS.len() {
        assert!(
            COLUMNS[index].column as usize == index,
            "COLUMNS out of order"
        );
        index += 1;
    }
};

/// `readOnly`'s values by id.
const READ_ONLY_TEXTS: [&str; 3] = ["", "false", "true"];

/// The columns that have a place in one view, in that view's order.
fn placed(place: impl Fn(&ColumnDef) -> Option<u8>) -> Vec<Column> {
    let mut placed: Vec<(u8, Column)> = COLUMNS
        .iter()
        .filter_map(|def| Some((place(def)?, def.column)))
        .collect();
    placed.sort_unstable_by_key(|&(at, _)| at);
    placed.into_iter().map(|(_, column)| column).collect()
}

/// The facet sidebar's columns, in order.
pub fn facets() -> Vec<Column> {
    placed(|def| def.facet)
}

/// The event table's columns, left to right.
pub fn table_columns() -> Vec<Column> {
    placed(|def| Some(def.table.as_ref()?.at))
}

/// The events CSV's columns, in order.
pub fn csv_columns() -> Vec<Column> {
    placed(|def| Some(def.csv.as_ref()?.at))
}

impl Column {
    pub fn def(self) -> &'static ColumnDef {
        &COLUMNS[self as usize]
    }

    /// The column a query-language name (canonical or alias, any case) means.
    pub fn named(name: &str) -> Option<Column> {
        COLUMNS
            .iter()
            .find(|def| def.names().any(|n| n.eq_ignore_ascii_case(name)))
            .map(|def| def.column)
    }

    pub fn field(self) -> &'static str {
        self.def().field
    }

    pub fn label(self) -> &'static str {
        self.def().label
    }

    /// Its table spec, for a column the table shows (see [`table_columns`]).
    pub fn table(self) -> Option<&'static TableSpec> {
        self.def().table.as_ref()
    }

    /// A row's value as text ("" when absent), as the table and CSV show it.
    pub fn text(self, store: &EventStore, row: &EventRow) -> String {
        match self.def().value {
            Value::Ids(ids) => ids.text(store, ids.id(store, row)),
            Value::Time if row.time_ms == i64::MIN => String::new(),
            Value::Time => crate::time::format_utc(row.time_ms),
        }
    }
}

impl ColumnDef {
    /// The canonical name, then the aliases.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.field).chain(self.aliases.iter().copied())
    }
}

impl Value {
    /// Whether Trailglass reads an absent value as "" (so SQL's NULL must
    /// pass whatever "" passes); an absent time passes nothing.
    pub fn absent_is_empty(self) -> bool {
        matches!(self, Value::Ids(Ids::Text(_)))
    }
}

impl Ids {
    /// The id a row holds, below [`Ids::count`].
    #[inline]
    pub fn id(self, store: &EventStore, row: &EventRow) -> u32 {
        match self {
            Ids::Text(field) => field.of(row),
            Ids::Principal => row.principal,
            Ids::Kind => store.principal_kind(row) as u32,
            Ids::ReadOnly => match (
                row.flags & flags::READ_ONLY_KNOWN != 0,
                row.flags & flags::READ_ONLY != 0,
            ) {
                (false, _) => 0,
                (true, false) => 1,
                (true, true) => 2,
            },
        }
    }

    /// Runs `loop_over` with this column's id getter as a closure of its
    /// own type, so a loop over millions of rows is compiled once per id
    /// space and field and reads the field directly (a `match` per row is a
    /// jump through a table, which measured 2-3 times slower).
    #[inline]
    pub fn with_getter<L: RowLoop>(self, store: &EventStore, loop_over: L) -> L::Output {
        match self {
            Ids::Text(field) => field.with_getter(loop_over),
            Ids::Principal => loop_over.run(|row| row.principal),
            Ids::Kind => loop_over.run(|row| store.principal_kind(row) as u32),
            Ids::ReadOnly => loop_over.run(|row| Ids::ReadOnly.id(store, row)),
        }
    }

    /// How many ids there are in this store.
    pub fn count(self, store: &EventStore) -> usize {
        match self {
            Ids::Text(_) => store.strings.len(),
            Ids::Principal => store.principals.len(),
            Ids::Kind => PrincipalKind::ALL.len(),
            Ids::ReadOnly => READ_ONLY_TEXTS.len(),
        }
    }

    /// The id that stands for "no value", left out of facets.
    pub fn absent(self) -> Option<u32> {
        match self {
            Ids::Text(_) | Ids::ReadOnly => Some(0),
            Ids::Kind => Some(PrincipalKind::None as u32),
            // Every event has a principal ("unknown" at worst).
            Ids::Principal => None,
        }
    }

    /// An id's text, as shown.
    pub fn text(self, store: &EventStore, id: u32) -> String {
        match self {
            Ids::Text(_) => store.strings.get(id).to_owned(),
            Ids::Principal => store.principals[id as usize].principal.name.clone(),
            Ids::Kind => PrincipalKind::ALL[id as usize].type_name().to_owned(),
            Ids::ReadOnly => READ_ONLY_TEXTS[id as usize].to_owned(),
        }
    }

    /// Whether any text an id answers to satisfies `accept`: a principal's
    /// name or group, a kind's type name or label, otherwise its text.
    pub fn any_text(
        self,
        store: &EventStore,
        id: u32,
        mut accept: impl FnMut(&str) -> bool,
    ) -> bool {
        match self {
            Ids::Text(_) => accept(store.strings.get(id)),
            Ids::Principal => {
                let principal = &store.principals[id as usize].principal;
                accept(&principal.name) || accept(&principal.group)
            }
            Ids::Kind => {
                let kind = PrincipalKind::ALL[id as usize];
                accept(kind.type_name()) || accept(kind.label())
            }
            Ids::ReadOnly => accept(READ_ONLY_TEXTS[id as usize]),
        }
    }
}

#[cfg(test)]
mod tests;
