//! The small JSON inputs of the API (`rank`/`explain` options, an event, a
//! list of ids), read with `json::Reader`: unknown fields are refused, and a
//! bad value is named by its path (`options.context.itemId`).

use super::error::{Error, Result};
use super::json::{read_fields, Fields, JsonResult, Reader};
use super::limits::{MAX_CATEGORIES, MAX_IDS_PER_CALL};
use super::typed_values::strings;

/// `rank` / `explain` options.
#[derive(Debug, Default)]
pub struct RankInput {
    pub limit: Option<f64>,
    /// The item on screen (`context.itemId`).
    pub context: Option<String>,
    pub exclude: Vec<String>,
    /// Let items the person already engaged with come back (`None`: not said).
    pub include_seen: Option<bool>,
    /// The time to rank at (`siteOrder` only).
    pub at: Option<f64>,
    /// The site's filter for this list (`filter`; `None`: not said).
    pub filter: Option<FilterInput>,
    /// A placement of the catalogue whose preset this call starts from.
    pub placement: Option<String>,
}

/// A placement's preset (`catalogue.placements.<name>`): the options a
/// list on that part of the site starts from; the call's own options win.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Preset {
    pub limit: Option<f64>,
    pub filter: Option<FilterInput>,
    pub include_seen: Option<bool>,
    /// Whether the call's on-screen item (`context`) counts here (default true).
    pub context: bool,
}

impl Preset {
    /// Reads a preset object at the cursor.
    pub fn read(r: &mut Reader) -> JsonResult<Preset> {
        let mut p = Preset {
            context: true,
            ..Preset::default()
        };
        read_fields!(r, "an object", {
            "limit" => p.limit = Some(r.number()?),
            "filter" => p.filter = Some(filter(r)?),
            "includeSeen" => p.include_seen = Some(r.boolean()?),
            "context" => p.context = r.boolean()?,
        })?;
        Ok(p)
    }

    /// The call's options on top of this preset.
    pub fn under(&self, mut input: RankInput) -> RankInput {
        input.limit = input.limit.or(self.limit);
        if !self.context {
            input.context = None;
        }
        input.include_seen = input.include_seen.or(self.include_seen);
        if input.filter.is_none() {
            input.filter.clone_from(&self.filter);
        }
        input
    }
}

/// `options.filter`: which items this list may hold. Site data, applied
/// before anything personal; an empty filter lets everything through.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilterInput {
    /// Only items in any of these categories (`None`: any category).
    pub categories: Option<Vec<String>>,
    /// No item in any of these categories.
    pub exclude_categories: Vec<String>,
    /// Only these items (`None`: any item; unknown ids are ignored).
    pub items: Option<Vec<String>>,
}

/// `recentItems` options.
#[derive(Debug, Default)]
pub struct RecentInput {
    pub limit: Option<f64>,
    /// Event kinds that count, by name; `None` means the positive ones.
    pub kinds: Option<Vec<String>>,
}

/// One `record` event.
#[derive(Debug)]
pub struct RecordInput {
    pub item_id: String,
    pub kind: String,
    pub at: Option<f64>,
}

fn whole_document<T>(text: &str, read: impl FnOnce(&mut Reader) -> JsonResult<T>) -> JsonResult<T> {
    let mut r = Reader::new(text);
    let value = read(&mut r)?;
    r.finish()?;
    Ok(value)
}

/// The fields of `siteOrder`'s options, and of `rank`/`explain`'s: the same
/// without the last, `at`.
const SITE_ORDER_FIELDS: &[&str] = &[
    "limit",
    "context",
    "exclude",
    "includeSeen",
    "filter",
    "placement",
    "at",
];
const RANK_FIELDS: &[&str] = match SITE_ORDER_FIELDS.split_last() {
    Some((_, rank)) => rank,
    None => &[],
};

impl RankInput {
    /// Reads `rank`/`explain` options; an empty text means none.
    pub fn read(text: &str) -> Result<RankInput> {
        Self::read_fields(text, RANK_FIELDS)
    }

    /// Reads `siteOrder` options: those of `rank`, and `at`.
    pub fn read_site_order(text: &str) -> Result<RankInput> {
        Self::read_fields(text, SITE_ORDER_FIELDS)
    }

    fn read_fields(text: &str, names: &'static [&'static str]) -> Result<RankInput> {
        if text.trim().is_empty() {
            return Ok(RankInput::default());
        }
        let mut input = RankInput::default();
        whole_document(text, |r| {
            let mut fields = Fields::new(names);
            r.object("an object", |r, key| {
                // `names` is one of two lists: the field is matched by its name.
                let i = fields.see_known(r, key)?;
                match names.get(i).copied().unwrap_or_default() {
                    // Present means a number: `null` is what JSON makes of NaN.
                    "limit" => input.limit = Some(r.number()?),
                    "context" => input.context = if r.null()? { None } else { Some(context(r)?) },
                    "includeSeen" => input.include_seen = Some(r.boolean()?),
                    "placement" => input.placement = Some(r.string()?.into_owned()),
                    "at" => input.at = Some(r.number()?),
                    "filter" => input.filter = Some(filter(r)?),
                    _ => r.array(
                        MAX_IDS_PER_CALL,
                        &format!("an array of at most {MAX_IDS_PER_CALL} entries"),
                        |r, _| {
                            input.exclude.push(r.string()?.into_owned());
                            Ok(())
                        },
                    )?,
                }
                Ok(())
            })
        })
        .map_err(|e| e.into_error("options"))?;
        Ok(input)
    }
}

fn filter(r: &mut Reader) -> JsonResult<FilterInput> {
    let mut f = FilterInput::default();
    read_fields!(r, "an object", {
        "categories" => f.categories = Some(strings(r, MAX_CATEGORIES, "an array of category ids")?),
        "excludeCategories" => {
            f.exclude_categories = strings(r, MAX_CATEGORIES, "an array of category ids")?
        },
        "items" => f.items = Some(strings(r, MAX_IDS_PER_CALL, "an array of item ids")?),
    })?;
    Ok(f)
}

fn context(r: &mut Reader) -> JsonResult<String> {
    let mut item = String::new();
    let fields = read_fields!(r, "an object", {
        "itemId" => item = r.string()?.into_owned(),
    })?;
    fields.require_all(r)?;
    Ok(item)
}

impl RecordInput {
    /// Reads an event. `at: null` (what JSON makes of NaN and Infinity) is an
    /// error, not "now": only a missing `at` means now.
    pub fn read(text: &str) -> Result<RecordInput> {
        let (mut item_id, mut kind, mut at) = (String::new(), String::new(), None);
        whole_document(text, |r| {
            let fields = read_fields!(r, "an object", {
                "itemId" => item_id = r.string()?.into_owned(),
                "kind" => kind = r.string()?.into_owned(),
                "at" => at = Some(r.number()?),
            })?;
            fields.require(r, &["itemId", "kind"])
        })
        .map_err(|e| e.into_error("event"))?;
        Ok(RecordInput { item_id, kind, at })
    }
}

impl RecentInput {
    /// Reads `recentItems` options; an empty text means none.
    pub fn read(text: &str) -> Result<RecentInput> {
        let mut input = RecentInput::default();
        if text.trim().is_empty() {
            return Ok(input);
        }
        whole_document(text, |r| {
            read_fields!(r, "an object", {
                "limit" => input.limit = Some(r.number()?),
                "kinds" => {
                    let mut kinds = Vec::new();
                    r.array(MAX_KINDS, "an array of interaction kinds", |r, _| {
                        kinds.push(r.string()?.into_owned());
                        Ok(())
                    })?;
                    input.kinds = Some(kinds);
                },
            })
            .map(drop)
        })
        .map_err(|e| e.into_error("options"))?;
        Ok(input)
    }
}

/// More kinds than exist cannot be meant (there are six).
const MAX_KINDS: usize = 6;

/// A list of item ids (`recordImpressions`).
pub fn read_ids(text: &str) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    whole_document(text, |r| {
        r.array(usize::MAX, "", |r, _| {
            ids.push(r.string()?.into_owned());
            Ok(())
        })
    })
    .map_err(|_| Error::invalid("ids", "expected an array of item ids"))?;
    if ids.len() > MAX_IDS_PER_CALL {
        return Err(Error::invalid(
            "ids",
            format!("{} ids; allowed: at most {MAX_IDS_PER_CALL}", ids.len()),
        ));
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(e: Result<impl std::fmt::Debug>) -> (String, String) {
        let e = e.unwrap_err();
        (e.path().to_string(), e.to_string())
    }

    #[test]
    fn rank_options_read_and_refuse_like_before() {
        let o =
            RankInput::read(r#"{"limit": 20, "context": {"itemId": "m1"}, "exclude": ["a", "b"]}"#)
                .unwrap();
        assert_eq!(
            (o.limit, o.context.as_deref(), o.exclude.len()),
            (Some(20.0), Some("m1"), 2)
        );
        let o = RankInput::read(r#"{"context": null}"#).unwrap();
        assert_eq!((o.limit, o.context), (None, None));
        let (path, msg) = err(RankInput::read(r#"{"limit": null}"#));
        assert_eq!(path, "options.limit");
        assert!(msg.contains("NaN and Infinity"), "{msg}");
        assert!(RankInput::read("  ").unwrap().exclude.is_empty());
        let (path, msg) = err(RankInput::read(r#"{"top": 3}"#));
        assert_eq!(path, "options.top");
        assert!(
            msg.contains("unknown field `top`, expected one of `limit`, `context`, `exclude`"),
            "{msg}"
        );
        let (path, msg) = err(RankInput::read(r#"{"limit": "3"}"#));
        assert_eq!(path, "options.limit");
        assert!(
            msg.contains("invalid type: string \"3\", expected f64"),
            "{msg}"
        );
        assert_eq!(
            err(RankInput::read(r#"{"context": "m1"}"#)).0,
            "options.context"
        );
        assert_eq!(
            err(RankInput::read(r#"{"context": {"id": "m1"}}"#)).0,
            "options.context.id"
        );
        assert_eq!(
            err(RankInput::read(r#"{"context": {}}"#)).0,
            "options.context.itemId"
        );
        assert_eq!(
            err(RankInput::read(r#"{"exclude": "m1"}"#)).0,
            "options.exclude"
        );
        assert_eq!(
            err(RankInput::read(r#"{"exclude": null}"#)).0,
            "options.exclude"
        );
        assert_eq!(
            err(RankInput::read(r#"{"exclude": [1]}"#)).0,
            "options.exclude[0]"
        );
        assert_eq!(err(RankInput::read("[]")).0, "options");
        let (path, msg) = err(RankInput::read(r#"{"at": 5}"#));
        assert_eq!(path, "options.at");
        assert!(
            msg.contains("unknown field `at`, expected one of `limit`, `context`, `exclude`"),
            "{msg}"
        );
        assert_eq!(
            RankInput::read_site_order(r#"{"at": 5, "limit": 2}"#)
                .unwrap()
                .at,
            Some(5.0)
        );
        assert_eq!(
            err(RankInput::read_site_order(r#"{"at": "5"}"#)).0,
            "options.at"
        );
        assert_eq!(err(RankInput::read("{} {}")).0, "options");
    }

    #[test]
    fn events_read_and_refuse_like_before() {
        let e = RecordInput::read(r#"{"itemId": "m1", "kind": "view", "at": 5}"#).unwrap();
        assert_eq!(
            (e.item_id.as_str(), e.kind.as_str(), e.at),
            ("m1", "view", Some(5.0))
        );
        assert_eq!(
            RecordInput::read(r#"{"itemId": "m1", "kind": "view"}"#)
                .unwrap()
                .at,
            None
        );
        let (path, msg) = err(RecordInput::read(r#"{"itemId": "m1"}"#));
        assert_eq!(path, "event.kind");
        assert!(msg.contains("missing field `kind`"), "{msg}");
        let (path, msg) = err(RecordInput::read(
            r#"{"itemId": "m1", "kind": "view", "user": "alice"}"#,
        ));
        assert_eq!(path, "event.user");
        assert!(msg.contains("unknown field `user`"), "{msg}");
        let (path, msg) = err(RecordInput::read(
            r#"{"itemId": "m1", "kind": "view", "at": null}"#,
        ));
        assert_eq!(path, "event.at");
        assert!(msg.contains("NaN"), "{msg}");
        assert_eq!(err(RecordInput::read("[]")).0, "event");
    }

    #[test]
    fn recent_options_read_and_refuse() {
        let o = RecentInput::read(r#"{"limit": 3, "kinds": ["like", "purchase"]}"#).unwrap();
        assert_eq!(
            (o.limit, o.kinds.as_deref().map(<[String]>::len)),
            (Some(3.0), Some(2))
        );
        assert!(RecentInput::read("").unwrap().kinds.is_none());
        assert_eq!(
            err(RecentInput::read(r#"{"kinds": "like"}"#)).0,
            "options.kinds"
        );
        assert_eq!(
            err(RecentInput::read(r#"{"kinds": [1]}"#)).0,
            "options.kinds[0]"
        );
        let (path, msg) = err(RecentInput::read(
            r#"{"kinds": ["a","b","c","d","e","f","g"]}"#,
        ));
        assert_eq!(path, "options.kinds");
        assert!(msg.contains("more than 6 entries"), "{msg}");
        assert_eq!(
            err(RecentInput::read(r#"{"item": "m1"}"#)).0,
            "options.item"
        );
    }

    #[test]
    fn id_lists() {
        assert_eq!(read_ids(r#"["a", "b"]"#).unwrap(), ["a", "b"]);
        for bad in [r#""a""#, "[1]", "{}", "[", "null"] {
            assert_eq!(
                err(read_ids(bad)),
                (
                    "ids".to_string(),
                    "ids: expected an array of item ids".to_string()
                )
            );
        }
        let many = format!("[{}]", vec!["\"a\""; MAX_IDS_PER_CALL + 1].join(","));
        assert!(err(read_ids(&many)).1.contains("10001 ids"));
    }
}
