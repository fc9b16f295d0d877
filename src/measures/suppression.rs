//! Small-number and secondary suppression (docs/design.md §4 "Small-number suppression", NHS
//! Digital style) on a hierarchy of cells for one topic and phase: e.g. organisation → staff groups
//! → job roles.
//!
//! Every additive measure (n, Σ knowledge, …) of a parent is the sum over its children, so a
//! hidden cell is recoverable whenever it is the only unknown term in such a sum: the parent
//! visible and every sibling visible, or the cell hidden but all of its own children visible.
//! The rules below remove both.

use std::collections::HashSet;
use std::fmt::Debug;
use std::hash::Hash;

use serde::{Deserialize, Serialize};

/// One cell of the hierarchy: its key, its number of learners and its sub-cells.
///
/// Keys must be unique within the tree (e.g. typed ids, or a path), since the result is a set
/// of keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Node<K> {
    /// The cell's identity, unique in the tree.
    pub key: K,
    /// Learners in the cell.
    pub n: u64,
    /// Sub-cells (e.g. a staff group's job roles).
    pub children: Vec<Node<K>>,
}

impl<K> Node<K> {
    /// A cell without sub-cells.
    pub fn leaf(key: K, n: u64) -> Self {
        Self {
            key,
            n,
            children: Vec::new(),
        }
    }

    /// Cells with learners; an empty cell (n = 0) shows "no data" and is never suppressed:
    /// it identifies nobody, and its zero adds nothing to any sum.
    fn non_empty_children(&self) -> impl Iterator<Item = &Node<K>> {
        self.children.iter().filter(|c| c.n > 0)
    }
}

/// The keys of every cell to show as `*`.
///
/// 1. Primary: every cell with 0 < n < `min_cell_size`.
/// 2. Secondary, repeated until nothing changes:
///    - under a visible cell with exactly one suppressed child, also suppress the visible
///      non-empty sibling with the smallest n (ties: smallest key, for determinism); if there is
///      no such sibling (possible only when a parent's n exceeds the sum of its children's),
///      suppress the parent itself;
///    - a suppressed cell whose non-empty children are all visible gets its smallest child
///      suppressed too, otherwise adding up the children would recover it. This is applied to
///      the root as well: in a consistent tree it never fires there, and it is safer if it does.
///
/// Afterwards [`check_invariant`] holds.
pub fn suppress<K>(root: &Node<K>, min_cell_size: u64) -> HashSet<K>
where
    K: Clone + Eq + Hash + Ord,
{
    let mut suppressed = HashSet::new();
    suppress_small(root, min_cell_size, &mut suppressed);
    while secondary_pass(root, &mut suppressed) {}
    suppressed
}

fn suppress_small<K: Clone + Eq + Hash>(node: &Node<K>, min: u64, out: &mut HashSet<K>) {
    if node.n > 0 && node.n < min {
        out.insert(node.key.clone());
    }
    for child in &node.children {
        suppress_small(child, min, out);
    }
}

/// One sweep of the secondary rules over the tree, in tree order; `true` if anything was added.
fn secondary_pass<K: Clone + Eq + Hash + Ord>(node: &Node<K>, out: &mut HashSet<K>) -> bool {
    let is_hidden = |n: &Node<K>, out: &HashSet<K>| out.contains(&n.key);
    let smallest_visible = |out: &HashSet<K>| {
        node.non_empty_children()
            .filter(|c| !is_hidden(c, out))
            .min_by(|a, b| (a.n, &a.key).cmp(&(b.n, &b.key)))
            .map(|c| c.key.clone())
    };
    let n_hidden_children = node
        .non_empty_children()
        .filter(|c| is_hidden(c, out))
        .count();
    let mut changed = false;
    if is_hidden(node, out) {
        // No child hidden, and some child visible: the children add up to this cell.
        if n_hidden_children == 0
            && let Some(key) = smallest_visible(out)
        {
            changed |= out.insert(key);
        }
    } else if n_hidden_children == 1 {
        let key = smallest_visible(out).unwrap_or_else(|| node.key.clone());
        changed |= out.insert(key);
    }
    for child in &node.children {
        changed |= secondary_pass(child, out);
    }
    changed
}

/// Checks an output against the suppression rules that need no threshold:
/// - the design's invariant (docs/design.md §4): under a visible cell the number of
///   suppressed children is never exactly one;
/// - no suppressed cell has all of its non-empty children visible;
/// - keys are unique.
///
/// Returns the first problem found, naming the cell.
pub fn check_invariant<K>(root: &Node<K>, suppressed: &HashSet<K>) -> Result<(), String>
where
    K: Eq + Hash + Debug,
{
    let mut seen = HashSet::new();
    check_node(root, suppressed, &mut seen)
}

fn check_node<'a, K: Eq + Hash + Debug>(
    node: &'a Node<K>,
    suppressed: &HashSet<K>,
    seen: &mut HashSet<&'a K>,
) -> Result<(), String> {
    if !seen.insert(&node.key) {
        return Err(format!("key {:?} appears more than once", node.key));
    }
    let hidden_children = node
        .non_empty_children()
        .filter(|c| suppressed.contains(&c.key));
    let (n_hidden, n_non_empty) = (hidden_children.count(), node.non_empty_children().count());
    if suppressed.contains(&node.key) {
        if n_non_empty > 0 && n_hidden == 0 {
            return Err(format!(
                "suppressed {:?} has all {n_non_empty} non-empty children visible: their sum \
                 recovers it",
                node.key
            ));
        }
    } else if n_hidden == 1 {
        return Err(format!(
            "visible {:?} has exactly one suppressed child: the total minus the visible \
             children recovers it",
            node.key
        ));
    }
    for child in &node.children {
        check_node(child, suppressed, seen)?;
    }
    Ok(())
}
