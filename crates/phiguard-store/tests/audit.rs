//! The tamper-evident audit log, on both backends: an untouched log verifies; each tampering
//! done directly in SQL is caught and the first bad sequence number named.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "test helpers fail the test by panicking; the kill test's child reports on stdout"
)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{TestStore, ctx};
use phiguard_store::audit::{self, Event, NewEvent, ProblemKind, Verification};
use phiguard_store::keys::Key;
use phiguard_store::{Location, Store, StoreError};

fn key() -> Key {
    Key::from_seed([7; 32])
}

fn event(n: usize) -> NewEvent {
    NewEvent {
        action: "update".into(),
        object_type: "vendor".into(),
        object_id: format!("VEN-{n:04}"),
        object_version: Some(n as i64),
        outcome: "success".into(),
        summary: format!("change number {n}"),
        changes: "{}".into(),
        before_sha256: None,
        after_sha256: Some(format!("{n:064x}")),
    }
}

/// Appends `n` events, one write (and one signed checkpoint) each.
fn fill(t: &mut TestStore, n: usize) {
    t.store.checkpoint_every_write(key());
    for i in 1..=n {
        t.store
            .write(&ctx(), |tx| tx.audit(event(i)).map(|_| ()))
            .unwrap();
    }
}

fn verify(t: &mut TestStore) -> Verification {
    t.store.verify(&[key().public()], &[]).unwrap()
}

fn assert_fails(v: &Verification, kind: ProblemKind, first_bad: i64) {
    assert!(!v.ok(), "expected a failure, got:\n{}", v.render());
    assert_eq!(v.first_bad_seq(), Some(first_bad), "{}", v.render());
    assert!(
        v.problems.iter().any(|p| p.kind == kind),
        "expected {kind:?}:\n{}",
        v.render()
    );
    assert!(
        v.render()
            .contains(&format!("first bad sequence number: {first_bad}")),
        "{}",
        v.render()
    );
}

/// Recomputes leaf and chain hashes from `from` on, and the head, as an attacker with write
/// access who knows the algorithm would after editing events.
fn rehash_from(t: &mut TestStore, from: i64) {
    let events: Vec<Event> = t.store.events(None, None).unwrap();
    let mut prev = [0u8; 32];
    let mut sql = String::new();
    for e in &events {
        let leaf = e.compute_leaf();
        let chain = audit::chain_hash(e.seq, &prev, &leaf);
        if e.seq >= from {
            sql.push_str(&format!(
                "UPDATE audit_event SET leaf_hash = '{}', chain_hash = '{}' WHERE seq = {};\n",
                hex::encode(leaf),
                hex::encode(chain),
                e.seq
            ));
        }
        prev = chain;
    }
    let last = events.last().unwrap().seq;
    sql.push_str(&format!(
        "UPDATE audit_chain_head SET seq = {last}, chain_hash = '{}';",
        hex::encode(prev)
    ));
    t.tamper(&sql);
}

fn untouched_log_verifies(t: &mut TestStore) {
    let v = verify(t);
    assert!(v.ok(), "{}", v.render());
    assert_eq!(v.events, 0);
    fill(t, 10);
    let v = verify(t);
    assert!(v.ok(), "{}", v.render());
    assert_eq!(
        (v.events, v.head_seq, v.anchored_size, v.unanchored),
        (10, 10, 10, 0)
    );
    assert_eq!(v.checkpoints, 10);
    assert_eq!(v.signed_by_trusted_key, 10);
    let events = t.store.events(None, None).unwrap();
    assert_eq!(
        events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=10).collect::<Vec<_>>()
    );
    assert_eq!(events[0].actor, "alice@example.test");
    assert_eq!(events[0].retention_until, "2032-03-01");
}

fn triggers_refuse_changes(t: &mut TestStore) {
    fill(t, 2);
    for sql in [
        "UPDATE audit_event SET summary = 'x' WHERE seq = 1",
        "DELETE FROM audit_event WHERE seq = 2",
        "DELETE FROM audit_checkpoint",
        "UPDATE audit_chain_head SET seq = 1",
    ] {
        let err = t.store.db().batch(sql).unwrap_err();
        assert!(
            err.to_string().contains("append-only") || err.to_string().contains("forward"),
            "{sql}: {err}"
        );
    }
    assert!(verify(t).ok());
}

fn an_edited_row_is_caught(t: &mut TestStore) {
    fill(t, 10);
    t.tamper("UPDATE audit_event SET summary = 'nothing to see' WHERE seq = 4");
    assert_fails(&verify(t), ProblemKind::Edited, 4);
}

fn a_deleted_row_is_caught(t: &mut TestStore) {
    fill(t, 10);
    t.tamper("DELETE FROM audit_event WHERE seq = 6");
    assert_fails(&verify(t), ProblemKind::Deleted, 6);
}

fn swapped_rows_are_caught(t: &mut TestStore) {
    fill(t, 10);
    t.tamper(
        "UPDATE audit_event SET seq = -1 WHERE seq = 3;
         UPDATE audit_event SET seq = 3 WHERE seq = 7;
         UPDATE audit_event SET seq = 7 WHERE seq = -1;",
    );
    assert_fails(&verify(t), ProblemKind::Edited, 3);
}

fn a_truncated_tail_is_caught(t: &mut TestStore) {
    fill(t, 10);
    t.tamper("DELETE FROM audit_event WHERE seq >= 8");
    assert_fails(&verify(t), ProblemKind::Truncated, 8);
}

fn a_truncated_tail_with_a_fixed_head_is_caught_by_the_checkpoints(t: &mut TestStore) {
    fill(t, 10);
    let seven = t.store.events(Some(7), Some(7)).unwrap().remove(0);
    t.tamper(&format!(
        "DELETE FROM audit_event WHERE seq >= 8;
         UPDATE audit_chain_head SET seq = 7, chain_hash = '{}';",
        seven.chain_hash
    ));
    assert_fails(&verify(t), ProblemKind::Truncated, 8);
}

fn a_rewritten_rehashed_tail_is_caught_by_a_checkpoint(t: &mut TestStore) {
    fill(t, 10);
    t.tamper("UPDATE audit_event SET actor = 'mallory' WHERE seq = 8");
    rehash_from(t, 8);
    assert_fails(&verify(t), ProblemKind::CheckpointMismatch, 8);
}

fn a_rewrite_that_also_drops_the_checkpoints_is_caught_by_the_anchored_copy(t: &mut TestStore) {
    fill(t, 10);
    let anchored = t.store.export_checkpoints().unwrap();
    assert_eq!(anchored.len(), 10);
    // Rewrite event 3, re-hash, and remove every checkpoint from the database.
    t.tamper(
        "UPDATE audit_event SET summary = 'rewritten' WHERE seq = 3; DELETE FROM audit_checkpoint;",
    );
    rehash_from(t, 3);
    let v = t.store.verify(&[key().public()], &[]).unwrap();
    assert!(v.ok(), "without an anchor nothing can tell: {}", v.render());
    let v = t.store.verify(&[key().public()], &anchored).unwrap();
    assert_fails(&v, ProblemKind::CheckpointMismatch, 3);
    assert!(
        v.problems
            .iter()
            .any(|p| p.kind == ProblemKind::AnchorMismatch)
    );
}

fn a_forged_checkpoint_is_caught(t: &mut TestStore) {
    fill(t, 3);
    // A checkpoint signed with a key the verifier does not trust.
    let forger = Key::from_seed([9; 32]);
    let mut other = t.reopen();
    other.checkpoint(&forger, common::now()).unwrap();
    let v = verify(t);
    assert!(!v.ok());
    assert!(
        v.problems
            .iter()
            .any(|p| p.kind == ProblemKind::BadSignature),
        "{}",
        v.render()
    );
    // A signature that does not match.
    t.tamper("UPDATE audit_checkpoint SET created_at = '2020-01-01T00:00:00.000000Z' WHERE checkpoint_no = 2");
    let v = t
        .store
        .verify(&[key().public(), forger.public()], &[])
        .unwrap();
    assert!(
        v.problems
            .iter()
            .any(|p| p.kind == ProblemKind::BadSignature && p.message.contains("#2")),
        "{}",
        v.render()
    );
}

fn a_rolled_back_write_leaves_no_gap(t: &mut TestStore) {
    fill(t, 2);
    let err = t
        .store
        .write(&ctx(), |tx| {
            tx.audit(event(99))?;
            Err::<(), _>(StoreError::invalid("x", "fails after auditing"))
        })
        .unwrap_err();
    assert!(err.to_string().contains("fails after auditing"));
    fill(t, 1);
    let v = verify(t);
    assert!(v.ok(), "{}", v.render());
    assert_eq!(v.events, 3);
    assert!(
        t.store
            .events(None, None)
            .unwrap()
            .iter()
            .all(|e| e.object_id != "VEN-0099")
    );
}

fn concurrent_writers_keep_the_sequence_gap_free(t: &mut TestStore) {
    let threads: Vec<_> = (0..4)
        .map(|w| {
            let location = t.location.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&location, common::now()).unwrap();
                for i in 0..15 {
                    store
                        .write(&ctx(), |tx| tx.audit(event(w * 100 + i)).map(|_| ()))
                        .unwrap();
                }
            })
        })
        .collect();
    for th in threads {
        th.join().unwrap();
    }
    let v = verify(t);
    assert!(v.ok(), "{}", v.render());
    assert_eq!(v.events, 60);
}

fn a_checkpoint_with_no_new_events_is_written(t: &mut TestStore) {
    fill(t, 2);
    let c = t.store.checkpoint(&key(), common::now()).unwrap();
    assert_eq!((c.checkpoint_no, c.tree_size), (3, 2));
    let v = verify(t);
    assert!(v.ok(), "{}", v.render());
    assert_eq!(v.checkpoints, 3);
}

const CHILD_ENV: &str = "PHIGUARD_STORE_KILL_CHILD";

/// Starts a child process that writes in a loop, SIGKILLs it mid-stream, and checks that
/// every write it reported as committed is there and the chain verifies.
fn killed_mid_write_loses_nothing(t: &mut TestStore) {
    let (kind, target, schema) = match &t.location {
        Location::Sqlite(path) => ("sqlite", path.display().to_string(), String::new()),
        Location::Postgres { url, schema } => ("postgres", url.clone(), schema.clone().unwrap()),
    };
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["kill_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, format!("{kind}|{target}|{schema}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut committed = 0;
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(n) = line.strip_prefix("committed ") {
            committed = n.trim().parse().unwrap();
            if committed >= 40 {
                break;
            }
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(committed >= 40, "the child did not write");
    let v = verify(t);
    assert!(v.ok(), "{}", v.render());
    assert!(
        v.events >= committed,
        "{} events but {committed} were committed",
        v.events
    );
    let ids: Vec<String> = t
        .store
        .events(None, None)
        .unwrap()
        .into_iter()
        .map(|e| e.object_id)
        .collect();
    for i in 1..=committed as usize {
        assert!(ids.contains(&format!("VEN-{i:04}")), "write {i} was lost");
    }
}

/// The writer half of [`killed_mid_write_loses_nothing`]; does nothing unless started by it.
#[test]
fn kill_child() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut parts = spec.splitn(3, '|');
    let (kind, target, schema) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let location = match kind {
        "sqlite" => Location::Sqlite(target.into()),
        _ => Location::Postgres {
            url: target.to_string(),
            schema: Some(schema.to_string()),
        },
    };
    let mut store = Store::open(&location, common::now()).unwrap();
    store.checkpoint_every_write(key());
    for i in 1..100_000 {
        store
            .write(&ctx(), |tx| {
                tx.audit(event(i))?;
                tx.audit(event(i + 1_000_000)).map(|_| ())
            })
            .unwrap();
        println!("committed {i}");
    }
}

both_backends!(
    untouched_log_verifies,
    triggers_refuse_changes,
    an_edited_row_is_caught,
    a_deleted_row_is_caught,
    swapped_rows_are_caught,
    a_truncated_tail_is_caught,
    a_truncated_tail_with_a_fixed_head_is_caught_by_the_checkpoints,
    a_rewritten_rehashed_tail_is_caught_by_a_checkpoint,
    a_rewrite_that_also_drops_the_checkpoints_is_caught_by_the_anchored_copy,
    a_forged_checkpoint_is_caught,
    a_rolled_back_write_leaves_no_gap,
    concurrent_writers_keep_the_sequence_gap_free,
    a_checkpoint_with_no_new_events_is_written,
    killed_mid_write_loses_nothing,
);
