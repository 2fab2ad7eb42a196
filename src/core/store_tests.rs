use super::*;
use crate::core::fixtures::NOW;
use crate::core::history::{Event, Kind};
use crate::core::preferences::Preferences;

fn with_history(n: usize) -> Profile {
    let mut p = Profile::default();
    p.preferences.history_consent = true;
    p.preferences.categories.insert("drama".into(), 0.7);
    for i in 0..n {
        p.history.events.push(Event {
            item: format!("item-{i:05}"),
            kind: Kind::View,
            at: NOW - 1000 + i as i64,
        });
    }
    p
}

#[test]
fn writes_through_and_reads_back() {
    let mut s = Session::open(MemoryStore::default(), "default", NOW);
    s.profile = with_history(3);
    s.persist(NOW, None);
    let reopened = Session::open(s.store().clone(), "default", NOW);
    assert_eq!(reopened.profile.preferences, s.profile.preferences);
    assert_eq!(reopened.profile.history.events, s.profile.history.events);
    assert!(reopened.persistent());
    assert!(reopened.bytes_stored() > 0);
}

#[test]
fn corrupt_value_is_quarantined_and_reported() {
    let mut store = MemoryStore::default();
    store.map.insert(
        profile_key("p"),
        "{\"version\":1,\"preferences\":{\"variety\":\"lots\"}}".into(),
    );
    let s = Session::open(store, "p", NOW);
    assert_eq!(s.profile, Profile::default());
    assert_eq!(s.notices()[0].code, "quarantined");
    assert!(
        s.notices()[0]
            .message
            .contains("profile.preferences.variety"),
        "{:?}",
        s.notices()
    );
    assert!(s.store().map[&quarantine_key("p")].contains("lots"));
    assert!(s.persistent());
    // The main key now holds a clean profile.
    assert!(matches!(
        Profile::decode(&s.store().map[&profile_key("p")]),
        Decoded::Ok(_)
    ));
}

#[test]
fn future_version_is_never_overwritten() {
    let mut store = MemoryStore::default();
    let future = "{\"version\":9,\"new\":true}".to_string();
    store.map.insert(profile_key("p"), future.clone());
    let mut s = Session::open(store, "p", NOW);
    assert!(!s.persistent());
    assert_eq!(s.notices()[0].code, "futureVersion");
    assert!(
        s.notices()[0]
            .message
            .contains("schema version 9, newer than this version understands (2)"),
        "{:?}",
        s.notices()
    );
    s.profile.preferences.variety = 0.9;
    s.persist(NOW, None);
    assert_eq!(s.store().map[&profile_key("p")], future);
}

#[test]
fn quota_compacts_history_but_keeps_preferences() {
    let mut s = Session::open(
        MemoryStore {
            quota: Some(4_000),
            ..Default::default()
        },
        "p",
        NOW,
    );
    s.profile = with_history(200);
    s.persist(NOW, None);
    assert!(s.persistent());
    assert!(s.profile.history.events.len() < 200);
    assert!(s.notices().iter().any(|n| n.code == "quotaCompacted"));
    let stored = match Profile::decode(&s.store().map[&profile_key("p")]) {
        Decoded::Ok(p) => p,
        other => panic!("{other:?}"),
    };
    assert_eq!(stored.preferences, s.profile.preferences);
    assert_eq!(stored.preferences.slider("drama"), 0.7);
}

#[test]
fn quota_too_small_even_for_preferences_reports_and_keeps_working() {
    let mut s = Session::open(
        MemoryStore {
            quota: Some(10),
            ..Default::default()
        },
        "p",
        NOW,
    );
    s.profile = with_history(5);
    s.persist(NOW, None);
    assert!(!s.persistent());
    assert_eq!(s.profile.preferences.slider("drama"), 0.7);
    assert!(s.notices().iter().any(|n| n.code == "writeFailed"));
}

#[test]
fn unavailable_storage_works_in_memory() {
    let mut s = Session::open(
        MemoryStore {
            unavailable: true,
            ..Default::default()
        },
        "p",
        NOW,
    );
    assert!(!s.persistent());
    assert_eq!(s.notices()[0].code, "storageUnavailable");
    s.profile.preferences.variety = 0.5;
    s.persist(NOW, None);
    assert_eq!(s.profile.preferences.variety, 0.5);
    assert!(s.forget(NOW).is_ok());
}

#[test]
fn another_tab_write_is_adopted_before_changing() {
    let mut a = Session::open(MemoryStore::default(), "p", NOW);
    a.profile.preferences.variety = 0.5;
    a.persist(NOW, None);
    // "Tab B" writes to the same storage.
    let mut b = Session::open(a.store().clone(), "p", NOW);
    b.profile.preferences.personalization = 0.25;
    b.persist(NOW, None);
    *a.store_mut() = b.store().clone();
    assert!(a.sync(NOW, None));
    a.profile.preferences.frequency_cap = 7;
    a.persist(NOW, None);
    let last = Session::open(a.store().clone(), "p", NOW);
    assert_eq!(
        (
            last.profile.preferences.variety,
            last.profile.preferences.personalization,
            last.profile.preferences.frequency_cap
        ),
        (0.5, 0.25, 7)
    );
}

#[test]
fn forget_removes_profile_and_quarantine_keys() {
    let mut store = MemoryStore::default();
    store.map.insert(profile_key("p"), "garbage".into());
    store.map.insert("unrelated".into(), "x".into());
    let mut s = Session::open(store, "p", NOW);
    assert!(s.store().map.contains_key(&quarantine_key("p")));
    s.forget(NOW).unwrap();
    let keys: Vec<&String> = s.store().map.keys().collect();
    assert_eq!(keys, ["unrelated"]);
    assert_eq!(s.bytes_stored(), 0);
}

#[test]
fn a_write_from_a_stale_read_does_not_lose_this_tabs_change() {
    use crate::core::preferences::stamp_changes;
    let mut a = Session::open(MemoryStore::default(), "p", NOW);
    let before = a.profile.preferences.clone();
    a.profile.preferences.variety = 0.9;
    stamp_changes(
        &before,
        &a.profile.preferences.clone(),
        &mut a.profile.changed,
        NOW + 1,
    );
    a.persist(NOW, None);
    // Tab B read the profile before A's write, changed another field, and wrote.
    let mut stale = Profile::default();
    stale.preferences.personalization = 0.3;
    stamp_changes(
        &Preferences::default(),
        &stale.preferences.clone(),
        &mut stale.changed,
        NOW + 2,
    );
    stale.history.events.push(Event {
        item: "b1".into(),
        kind: Kind::View,
        at: NOW,
    });
    a.store_mut().map.insert(profile_key("p"), stale.to_json());
    // A syncs (storage event or its next change): both changes survive, and
    // the merged profile is written back.
    assert!(a.sync(NOW, None));
    assert_eq!(
        (
            a.profile.preferences.variety,
            a.profile.preferences.personalization
        ),
        (0.9, 0.3)
    );
    assert_eq!(a.profile.history.events.len(), 1);
    let stored = match Profile::decode(&a.store().map[&profile_key("p")]) {
        Decoded::Ok(p) => p,
        other => panic!("{other:?}"),
    };
    assert_eq!(stored.preferences, a.profile.preferences);
}

#[test]
fn garbage_written_while_a_tab_is_open_does_not_cost_it_its_profile() {
    let mut s = Session::open(MemoryStore::default(), "p", NOW);
    s.profile = with_history(3);
    s.persist(NOW, None);
    s.store_mut()
        .map
        .insert(profile_key("p"), "{\"version\":2,\"preferences\":".into());
    assert!(s.sync(NOW, None));
    assert_eq!(s.profile.history.events.len(), 3);
    assert_eq!(s.profile.preferences.slider("drama"), 0.7);
    assert!(
        s.notices()
            .iter()
            .any(|n| n.code == "quarantined" && n.message.contains("kept")),
        "{:?}",
        s.notices()
    );
    assert_eq!(
        s.store().map[&quarantine_key("p")],
        "{\"version\":2,\"preferences\":"
    );
    match Profile::decode(&s.store().map[&profile_key("p")]) {
        Decoded::Ok(p) => assert_eq!(p.history.events.len(), 3),
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_save_stores_the_whole_current_profile_whether_history_changed_or_not() {
    use crate::core::json::ToJson;
    let mut s = Session::open(MemoryStore::default(), "default", NOW);
    let stored = |s: &Session<MemoryStore>| {
        s.store()
            .map
            .get(&profile_key("default"))
            .cloned()
            .unwrap_or_default()
    };
    s.profile = with_history(50);
    s.persist(NOW, None);
    assert_eq!(stored(&s), s.profile.to_json());
    // Preferences only: the written history is reused.
    s.profile.preferences.variety = 0.9;
    s.persist(NOW, None);
    assert_eq!(stored(&s), s.profile.to_json());
    // History changed in place (same length, one event different): written again.
    s.profile.history.events[10].kind = Kind::Like;
    s.persist(NOW, None);
    assert_eq!(stored(&s), s.profile.to_json());
    assert!(stored(&s).contains("\"kind\":\"like\""));
    // And after a reset to an empty history.
    s.profile.history = Default::default();
    s.persist(NOW, None);
    assert_eq!(stored(&s), s.profile.to_json());
    assert_eq!(Profile::decode(&stored(&s)), Decoded::Ok(s.profile.clone()));
}

#[test]
fn opening_adopts_the_stored_profile_and_writes_back_only_what_retention_removed() {
    use crate::core::history::DAY_MS;
    use crate::core::json::ToJson;
    let mut fresh = with_history(20);
    fresh.epoch = 7;
    let text = fresh.to_json();
    let mut store = MemoryStore::default();
    store.map.insert(profile_key("p"), text.clone());
    let s = Session::open(store, "p", NOW);
    assert_eq!(s.profile, fresh);
    assert_eq!(
        s.store().map.get(&profile_key("p")),
        Some(&text),
        "nothing to change: not rewritten"
    );
    // Two events older than the 90-day window: dropped, and storage rewritten without them.
    let mut old = with_history(5);
    old.history.events.insert(
        0,
        Event {
            item: "old-1".into(),
            kind: Kind::View,
            at: NOW - 200 * DAY_MS,
        },
    );
    old.history.events.insert(
        1,
        Event {
            item: "old-2".into(),
            kind: Kind::Like,
            at: NOW - 100 * DAY_MS,
        },
    );
    let mut store = MemoryStore::default();
    store.map.insert(profile_key("p"), old.to_json());
    let s = Session::open(store, "p", NOW);
    assert_eq!(s.profile.history.events.len(), 5);
    let stored = s
        .store()
        .map
        .get(&profile_key("p"))
        .cloned()
        .unwrap_or_default();
    assert!(
        !stored.contains("old-1") && !stored.contains("old-2"),
        "{stored}"
    );
    assert_eq!(Profile::decode(&stored), Decoded::Ok(s.profile.clone()));
}
