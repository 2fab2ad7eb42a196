//! The JSON shapes of the catalogue and ranking results (the TypeScript
//! declarations in `src/wasm/types.rs` describe the same shapes). Written by
//! hand with `json::Writer` rather than by serde so that the wasm module
//! carries no serializer per type; the tests check every shape byte for byte
//! against serde_json's output of the same values. (Profile-layer results,
//! the summary and the privacy report, still serialize with serde.)

use super::catalogue::{Category, Warning};
use super::explain::{Excluded, Explanation, Factor, Reason};
use super::history::Event;
use super::json::{ToJson, Writer};
use super::personalizer::Ranked;

impl ToJson for Warning {
    fn write_json(&self, w: &mut Writer) {
        w.raw("{")
            .key("code")
            .string(self.code)
            .key("count")
            .integer(self.count as i64)
            .key("message")
            .string(&self.message);
        w.key("examples").array(&self.examples, |w, e| {
            w.string(e);
        });
        w.raw("}");
    }
}

/// An event as `record` takes it (`recentItems`): `{ itemId, kind, at }`.
impl ToJson for Event {
    fn write_json(&self, w: &mut Writer) {
        w.raw("{")
            .key("itemId")
            .string(&self.item)
            .key("kind")
            .string(self.kind.name())
            .key("at")
            .integer(self.at)
            .raw("}");
    }
}

impl ToJson for Category {
    fn write_json(&self, w: &mut Writer) {
        w.raw("{")
            .key("id")
            .string(&self.id)
            .key("label")
            .string(&self.label)
            .key("sensitive")
            .boolean(self.sensitive)
            .raw("}");
    }
}

impl ToJson for Reason {
    fn write_json(&self, w: &mut Writer) {
        w.raw("{")
            .key("kind")
            .string(self.kind)
            .key("text")
            .string(&self.text)
            .key("weight")
            .number(self.weight);
        if let Some(source) = &self.source {
            w.key("source").string(source);
        }
        w.raw("}");
    }
}

impl ToJson for Ranked {
    fn write_json(&self, w: &mut Writer) {
        w.raw("{")
            .key("id")
            .string(&self.id)
            .key("score")
            .number(self.score)
            .key("reasons");
        self.reasons.write_json(w);
        w.raw("}");
    }
}

impl ToJson for Factor {
    fn write_json(&self, w: &mut Writer) {
        w.raw("{")
            .key("kind")
            .string(self.kind)
            .key("value")
            .number(self.value)
            .key("weight")
            .number(self.weight);
        w.key("contribution").number(self.contribution).raw("}");
    }
}

impl ToJson for Excluded {
    fn write_json(&self, w: &mut Writer) {
        w.raw("{")
            .key("reason")
            .string(self.reason)
            .key("text")
            .string(&self.text)
            .raw("}");
    }
}

impl ToJson for Explanation {
    fn write_json(&self, w: &mut Writer) {
        w.raw("{")
            .key("id")
            .string(&self.id)
            .key("title")
            .string(&self.title)
            .key("score")
            .number(self.score)
            .key("excluded");
        match &self.excluded {
            Some(e) => e.write_json(w),
            None => {
                w.raw("null");
            }
        }
        w.key("factors");
        self.factors.write_json(w);
        w.key("reasons");
        self.reasons.write_json(w);
        w.raw("}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::fixtures::{self, NOW};
    use crate::core::personalizer::Personalizer;
    use crate::core::store::MemoryStore;
    use serde::Serialize;

    fn same<T: ToJson + Serialize + ?Sized>(value: &T) {
        assert_eq!(value.to_json(), serde_json::to_string(value).unwrap());
    }

    #[test]
    fn every_result_is_written_as_serde_would() {
        let mut p = Personalizer::open(
            MemoryStore {
                unavailable: true,
                ..MemoryStore::default()
            },
            "default",
            NOW,
        )
        .unwrap();
        let mut films = fixtures::films();
        films["items"][0]["related"][1]["id"] = serde_json::json!("gone");
        films["items"][1]["title"] = serde_json::json!("Quote \" back\\slash \n é 😀");
        let warnings = p.load_catalogue(&films.to_string()).unwrap();
        assert!(!warnings.is_empty());
        same(&warnings);
        same(p.catalogue().unwrap().categories());
        p.set_preferences(
            r#"{"historyConsent": true, "categories": {"drama": 0.5}, "blocked": ["comedy"]}"#,
            NOW,
        )
        .unwrap();
        p.record(r#"{"itemId": "m1", "kind": "like"}"#, NOW)
            .unwrap();
        p.record(r#"{"itemId": "m3", "kind": "dismiss"}"#, NOW)
            .unwrap();
        let ranked = p
            .rank(r#"{"limit": 10, "context": {"itemId": "m2"}}"#, NOW)
            .unwrap();
        assert!(ranked.iter().any(|r| r.reasons.len() > 1));
        same(&ranked);
        for id in ["m1", "m2", "m3", "m4", "m6"] {
            same(&p.explain(id, "", NOW).unwrap());
        }
    }
}
