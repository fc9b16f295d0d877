use std::collections::HashSet;

use super::tests_support::Rng;
use super::{Node, check_invariant, suppress};

const MIN: u64 = 8;

fn node(key: &str, children: Vec<Node<String>>) -> Node<String> {
    let n = children.iter().map(|c| c.n).sum();
    Node {
        key: key.to_owned(),
        n,
        children,
    }
}

fn leaf(key: &str, n: u64) -> Node<String> {
    Node::leaf(key.to_owned(), n)
}

fn keys(keys: &[&str]) -> HashSet<String> {
    keys.iter().map(|&k| k.to_owned()).collect()
}

/// Suppresses and checks the invariant, so every example also exercises the checker.
fn run(root: &Node<String>) -> HashSet<String> {
    let suppressed = suppress(root, MIN);
    check_invariant(root, &suppressed).unwrap();
    suppressed
}

#[test]
fn a_lone_small_role_takes_the_next_smallest_sibling_with_it() {
    // Group G = 25 with roles 3, 10, 12. Primary: the 3. G is visible, so 3 = 25 − 10 − 12;
    // the smallest visible sibling (10) goes too. Group H (20, 15) is untouched.
    let root = node(
        "org",
        vec![
            node("G", vec![leaf("g3", 3), leaf("g10", 10), leaf("g12", 12)]),
            node("H", vec![leaf("h20", 20), leaf("h15", 15)]),
        ],
    );
    assert_eq!(run(&root), keys(&["g3", "g10"]));
}

#[test]
fn two_small_roles_protect_each_other() {
    // G = 30 with roles 3, 5, 22: both small roles are primary; 3 + 5 = 8 is known but
    // neither alone, so no secondary suppression.
    let root = node("G", vec![leaf("g3", 3), leaf("g5", 5), leaf("g22", 22)]);
    assert_eq!(run(&root), keys(&["g3", "g5"]));
}

#[test]
fn a_secondarily_suppressed_group_also_hides_one_of_its_roles() {
    // org = 100: A = 5 (roles 2, 3), B = 20 (roles 9, 11), C = 75 (roles 40, 35).
    // Primary: A, a2, a3. Under the visible org only A is hidden → B (smallest visible) too.
    // B's roles 9 and 11 are both visible and would add up to B → b9 (smaller) too.
    let root = node(
        "org",
        vec![
            node("A", vec![leaf("a2", 2), leaf("a3", 3)]),
            node("B", vec![leaf("b9", 9), leaf("b11", 11)]),
            node("C", vec![leaf("c40", 40), leaf("c35", 35)]),
        ],
    );
    assert_eq!(run(&root), keys(&["A", "a2", "a3", "B", "b9"]));
}

#[test]
fn a_root_below_the_threshold_hides_everything() {
    // org = 7 < 8, so every non-empty cell under it is smaller still.
    let root = node(
        "org",
        vec![
            node("A", vec![leaf("a4", 4)]),
            node("B", vec![leaf("b2", 2), leaf("b1", 1)]),
        ],
    );
    assert_eq!(run(&root), keys(&["org", "A", "a4", "B", "b2", "b1"]));
}

#[test]
fn a_group_whose_only_non_empty_role_is_small_is_small_itself() {
    // G = 5 has roles 5 and 0: the role equals the group, so both are primary; under the
    // hidden G one hidden role is fine. The empty role shows "no data". Under the visible org
    // G is alone → H (25) too → H's roles 12, 13 all visible → h12 too.
    let root = node(
        "org",
        vec![
            node("G", vec![leaf("g5", 5), leaf("g0", 0)]),
            node("H", vec![leaf("h12", 12), leaf("h13", 13)]),
        ],
    );
    assert_eq!(run(&root), keys(&["G", "g5", "H", "h12"]));
}

#[test]
fn ties_are_broken_by_key() {
    let root = node("G", vec![leaf("small", 3), leaf("b", 10), leaf("a", 10)]);
    assert_eq!(run(&root), keys(&["small", "a"]));
}

#[test]
fn empty_cells_are_not_suppressed_and_not_counted() {
    // roles 0, 0, 9, 12: nothing is below 8 except the empty ones, which reveal nobody
    let root = node(
        "G",
        vec![leaf("e1", 0), leaf("e2", 0), leaf("r9", 9), leaf("r12", 12)],
    );
    assert!(run(&root).is_empty());
}

#[test]
fn a_visible_parent_bigger_than_its_children_is_hidden_when_no_sibling_can_be() {
    // Not additive (e.g. learners with no recorded role): root 20 with one role of 3 and an
    // empty one. No visible non-empty sibling exists, so the parent itself is hidden.
    let root = Node {
        key: "org".to_owned(),
        n: 20,
        children: vec![leaf("r3", 3), leaf("r0", 0)],
    };
    assert_eq!(run(&root), keys(&["r3", "org"]));
}

#[test]
fn the_checker_rejects_recoverable_outputs() {
    let root = node("G", vec![leaf("a", 3), leaf("b", 10), leaf("c", 12)]);
    assert!(check_invariant(&root, &keys(&["a"])).is_err());
    // G hidden but its children all shown: their sum recovers G
    assert!(check_invariant(&root, &keys(&["G"])).is_err());
    assert!(check_invariant(&root, &keys(&["a", "b"])).is_ok());
    let duplicated = node("G", vec![leaf("a", 3), leaf("a", 10)]);
    assert!(check_invariant(&duplicated, &HashSet::new()).is_err());
}

#[test]
fn random_trees_always_satisfy_the_rules() {
    for seed in 0..3000 {
        let mut rng = Rng::new(seed);
        let additive = rng.below(4) > 0;
        let root = random_tree(&mut rng, "r".to_owned(), 0, additive);
        let min = 2 + rng.below(12);
        let suppressed = suppress(&root, min);
        let context = || format!("seed {seed}, min {min}, tree {root:?}");
        if let Err(problem) = check_invariant(&root, &suppressed) {
            panic!("{problem}: {}", context());
        }
        for_each(&root, &mut |n: &Node<String>| {
            let hidden = suppressed.contains(&n.key);
            assert!(
                !(n.n > 0 && n.n < min) || hidden,
                "{} not hidden: {}",
                n.key,
                context()
            );
            assert!(n.n > 0 || !hidden, "empty {} hidden: {}", n.key, context());
        });
        assert_eq!(
            suppress(&root, min),
            suppressed,
            "not deterministic: {}",
            context()
        );
    }
}

#[test]
fn nothing_is_hidden_when_every_cell_is_big_enough() {
    for seed in 0..200 {
        let mut rng = Rng::new(seed);
        let root = random_tree(&mut rng, "r".to_owned(), 0, true);
        let smallest_non_empty = min_non_empty(&root).unwrap_or(1);
        assert!(
            suppress(&root, smallest_non_empty).is_empty(),
            "seed {seed}"
        );
    }
}

/// Up to 3 levels below the root, up to 5 children each; leaves mostly small so that
/// suppression is common. `additive`: a parent's n is the sum of its children's; otherwise
/// it may exceed it (learners without a recorded role).
fn random_tree(rng: &mut Rng, key: String, depth: u32, additive: bool) -> Node<String> {
    let n_children = if depth >= 3 { 0 } else { rng.below(6) };
    if n_children == 0 {
        let n = if rng.below(5) == 0 { 0 } else { rng.below(30) };
        return Node {
            key,
            n,
            children: Vec::new(),
        };
    }
    let children: Vec<Node<String>> = (0..n_children)
        .map(|i| random_tree(rng, format!("{key}.{i}"), depth + 1, additive))
        .collect();
    let extra = if additive { 0 } else { rng.below(6) };
    let n = children.iter().map(|c| c.n).sum::<u64>() + extra;
    Node { key, n, children }
}

fn for_each(node: &Node<String>, f: &mut impl FnMut(&Node<String>)) {
    f(node);
    for child in &node.children {
        for_each(child, f);
    }
}

fn min_non_empty(root: &Node<String>) -> Option<u64> {
    let mut smallest = None;
    for_each(root, &mut |n: &Node<String>| {
        if n.n > 0 {
            smallest = Some(smallest.map_or(n.n, |s: u64| s.min(n.n)));
        }
    });
    smallest
}
