//! The upgrade of stored message ids to their one identity (schema version 7): the LinkedIn
//! message id inside `urn:li:msg_message:(owner,2-X)`, `urn:li:messagingMessage:2-X` or bare
//! (`linkedin_inbox::message_id`), in the search index (`messages`) and in the ConnectSafely
//! events already handled (`events`, `cs:<id>`). Two rows of one message (stored under two
//! forms before) become one: the first stored is kept, with its search text.

use serde::Deserialize;

use super::sql::{int, text, Result, Sql};

#[derive(Deserialize)]
struct MessageRow {
    seq: f64,
    id: String,
}

#[derive(Deserialize)]
struct EventRow {
    id: String,
}

/// Rewrites every stored message id that is not in its one identity.
pub(super) fn normalize<S: Sql>(sql: &S) -> Result<()> {
    // Only ids in a URN form or with spaces around them can differ from their identity.
    let rows = sql.rows::<MessageRow>(
        "SELECT seq, id FROM messages WHERE substr(id, 1, 7) = 'urn:li:' OR id <> trim(id) ORDER BY seq",
        vec![],
    )?;
    for row in rows {
        let normalized = linkedin_inbox::message_id(&row.id);
        if normalized == row.id {
            continue;
        }
        let seq = row.seq as i64;
        let taken = sql.first_row::<serde_json::Value>(
            "SELECT seq FROM messages WHERE id = ?",
            vec![text(normalized)],
        )?;
        match taken {
            Some(_) => {
                sql.run("DELETE FROM messages WHERE seq = ?", vec![int(seq)])?;
                sql.run("DELETE FROM message_text WHERE rowid = ?", vec![int(seq)])?;
            }
            None => sql.run(
                "UPDATE messages SET id = ? WHERE seq = ?",
                vec![text(normalized), int(seq)],
            )?,
        }
    }
    let events = sql.rows::<EventRow>(
        "SELECT id FROM events WHERE substr(id, 1, 10) = 'cs:urn:li:' OR id <> trim(id)",
        vec![],
    )?;
    for event in events {
        let Some(message) = event.id.strip_prefix("cs:") else {
            continue;
        };
        let normalized = format!("cs:{}", linkedin_inbox::message_id(message));
        if normalized == event.id {
            continue;
        }
        // The event already handled under the identity keeps its time; else this one moves.
        sql.run(
            "UPDATE OR IGNORE events SET id = ? WHERE id = ?",
            vec![text(&normalized), text(&event.id)],
        )?;
        sql.run("DELETE FROM events WHERE id = ?", vec![text(&event.id)])?;
    }
    Ok(())
}
