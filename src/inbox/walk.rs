//! The page walker: follows cursors to the end and lets each item through once. Sans-IO: feed
//! it pages, it says which cursor to ask for next and which items are new. The npm iterators
//! and the popup's "load more" both walk with it.

use std::collections::HashSet;

use crate::model::{Conversation, Message};

/// Upper bound of pages one walk fetches (a guard against a provider that loops).
pub const MAX_WALK_PAGES: usize = 10_000;

/// Items with a stable id.
pub trait Identified {
    /// The item's id.
    fn id(&self) -> &str;
}

impl Identified for Conversation {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Identified for Message {
    fn id(&self) -> &str {
        &self.id
    }
}

/// The state of one walk over the pages of a query.
#[derive(Debug, Clone, Default)]
pub struct PageWalker {
    seen: HashSet<String>,
    cursor: Option<String>,
    pages: usize,
    done: bool,
}

impl PageWalker {
    /// A walk that starts at the first page.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the walk is over (no next page, a cursor that repeats, or the page cap).
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The cursor of the next page to request (`None` for the first page). Meaningless once
    /// [`PageWalker::is_done`].
    pub fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }

    /// How many items have been let through.
    pub fn seen(&self) -> usize {
        self.seen.len()
    }

    /// Whether the item with `id` is new to this walk (and remembers it).
    pub fn admit(&mut self, id: &str) -> bool {
        !self.seen.contains(id) && self.seen.insert(id.to_owned())
    }

    /// Records that the page at [`PageWalker::cursor`] answered with `next_cursor`.
    pub fn advance(&mut self, next_cursor: Option<&str>) {
        self.pages += 1;
        let stuck = next_cursor.is_some() && next_cursor == self.cursor.as_deref();
        self.done = next_cursor.is_none() || stuck || self.pages >= MAX_WALK_PAGES;
        self.cursor = next_cursor.map(str::to_owned);
    }

    /// The items of a page that are new to this walk, then [`PageWalker::advance`].
    pub fn accept<T: Identified>(&mut self, items: Vec<T>, next_cursor: Option<&str>) -> Vec<T> {
        let fresh = items.into_iter().filter(|i| self.admit(i.id())).collect();
        self.advance(next_cursor);
        fresh
    }

    /// Starts over (a new filter): nothing seen, first page next.
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Item(&'static str);
    impl Identified for Item {
        fn id(&self) -> &str {
            self.0
        }
    }

    fn ids(items: Vec<Item>) -> Vec<&'static str> {
        items.into_iter().map(|i| i.0).collect()
    }

    #[test]
    fn follows_cursors_and_lets_each_item_through_once() {
        let mut walk = PageWalker::new();
        assert_eq!(walk.cursor(), None);
        let first = walk.accept(vec![Item("a"), Item("b")], Some("c1"));
        assert_eq!(
            (ids(first), walk.cursor(), walk.is_done()),
            (vec!["a", "b"], Some("c1"), false)
        );
        let second = walk.accept(vec![Item("b"), Item("c")], None);
        assert_eq!(
            (ids(second), walk.is_done(), walk.seen()),
            (vec!["c"], true, 3)
        );
    }

    #[test]
    fn a_repeating_cursor_ends_the_walk() {
        let mut walk = PageWalker::new();
        walk.accept(vec![Item("a")], Some("same"));
        assert!(!walk.is_done());
        walk.accept(vec![Item("b")], Some("same"));
        assert!(walk.is_done());
    }

    #[test]
    fn the_page_cap_ends_the_walk() {
        let mut walk = PageWalker::new();
        for page in 0..MAX_WALK_PAGES {
            assert!(!walk.is_done(), "ended early at page {page}");
            walk.advance(Some(&page.to_string()));
        }
        assert!(walk.is_done());
        walk.reset();
        assert!(!walk.is_done() && walk.seen() == 0 && walk.cursor().is_none());
    }
}
