//! The synthetic workforce the benchmark seeds: organisations of varied size, staff spread
//! over the ESR staff groups roughly as in NHS England's workforce statistics, and each
//! person's knowledge and self-assurance drawn by staff group. Deterministic for a seed.

use rand::Rng;

use crate::demo::Learner;

/// Approximate shares of NHS England hospital and community health services staff by ESR
/// staff group (NHS Workforce Statistics, NHS England: registered nursing and midwifery about
/// a quarter, support to clinical staff and administrative staff about a fifth each, doctors
/// about a tenth). Rounded; they shape how many report cells a population fills, which is
/// what the benchmark needs, not the exact national mix.
pub const STAFF_GROUP_SHARES: &[(&str, f64)] = &[
    ("nursing-and-midwifery-registered", 0.26),
    ("additional-clinical-services", 0.22),
    ("administrative-and-clerical", 0.23),
    ("medical-and-dental", 0.10),
    ("allied-health-professionals", 0.07),
    ("estates-and-ancillary", 0.05),
    ("add-prof-scientific-and-technic", 0.04),
    ("healthcare-scientists", 0.025),
    ("students", 0.005),
];

/// Typical genomics knowledge (0–1) by staff group: scientists and doctors know most,
/// estates and administrative staff least.
pub(crate) fn mean_ability(staff_group: &str) -> f64 {
    match staff_group {
        "healthcare-scientists" => 0.75,
        "medical-and-dental" => 0.65,
        "add-prof-scientific-and-technic" => 0.55,
        "nursing-and-midwifery-registered" | "allied-health-professionals" => 0.5,
        "students" => 0.45,
        "additional-clinical-services" => 0.35,
        "administrative-and-clerical" => 0.3,
        _ => 0.25,
    }
}

/// Agenda for Change bands by staff group; doctors are on other contracts (no band).
fn bands(staff_group: &str) -> &'static [&'static str] {
    match staff_group {
        "medical-and-dental" | "students" => &[],
        "additional-clinical-services" | "estates-and-ancillary" => &["Band 2", "Band 3"],
        "administrative-and-clerical" => &["Band 2", "Band 3", "Band 4", "Band 5", "Band 6"],
        _ => &["Band 5", "Band 6", "Band 7"],
    }
}

/// A job role the population can hold.
#[derive(Debug, Clone)]
pub struct Role {
    pub id: i64,
    pub staff_group_id: i64,
    pub staff_group_slug: String,
}

/// One synthetic member of staff.
#[derive(Debug, Clone)]
pub struct Person {
    pub organisation: usize,
    pub role: usize,
    pub band: Option<&'static str>,
    pub learner: Learner,
}

/// Draws people: staff group by [`STAFF_GROUP_SHARES`], then a role of that group, an
/// organisation by `org_weights`, a band, and a knowledge level around the group's mean.
pub struct Workforce<'a> {
    roles: &'a [Role],
    /// (cumulative share, roles of the group)
    groups: Vec<(f64, Vec<usize>)>,
    org_cumulative: Vec<f64>,
}

impl<'a> Workforce<'a> {
    /// `org_weights` gives organisations' relative sizes. Staff groups with no roles in the
    /// content are left out and the others' shares scaled up.
    pub fn new(roles: &'a [Role], org_weights: &[f64]) -> Self {
        let mut groups = Vec::new();
        let mut total = 0.0;
        for (slug, share) in STAFF_GROUP_SHARES {
            let members: Vec<usize> = (0..roles.len())
                .filter(|&i| roles[i].staff_group_slug == *slug)
                .collect();
            if !members.is_empty() {
                total += share;
                groups.push((total, members));
            }
        }
        for group in &mut groups {
            group.0 /= total;
        }
        let org_total: f64 = org_weights.iter().sum();
        let org_cumulative = org_weights
            .iter()
            .scan(0.0, |acc, w| {
                *acc += w / org_total;
                Some(*acc)
            })
            .collect();
        Self {
            roles,
            groups,
            org_cumulative,
        }
    }

    pub fn person(&self, rng: &mut impl Rng) -> Option<Person> {
        let roll: f64 = rng.random();
        let (_, members) = self
            .groups
            .iter()
            .find(|(cumulative, _)| roll < *cumulative)
            .or(self.groups.last())?;
        let role = members[rng.random_range(0..members.len())];
        let group = self.roles[role].staff_group_slug.as_str();
        let band_choices = bands(group);
        let band = (!band_choices.is_empty())
            .then(|| band_choices[rng.random_range(0..band_choices.len())]);
        let roll: f64 = rng.random();
        let organisation = self
            .org_cumulative
            .iter()
            .position(|c| roll < *c)
            .unwrap_or(self.org_cumulative.len().saturating_sub(1));
        // A sum of three uniforms: roughly normal around the group's mean, spread ±0.3.
        let spread: f64 = (0..3).map(|_| rng.random_range(-0.1..0.1)).sum();
        Some(Person {
            organisation,
            role,
            band,
            learner: Learner {
                ability: (mean_ability(group) + spread).clamp(0.05, 0.98),
                boldness: rng.random_range(0.0..1.0),
            },
        })
    }
}

/// Relative sizes for `n` organisations: NHS trusts range from a few thousand staff to over
/// fifteen thousand, so sizes vary about eightfold.
pub fn organisation_weights(n: usize, rng: &mut impl Rng) -> Vec<f64> {
    (0..n).map(|_| rng.random_range(0.25..2.0)).collect()
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    fn roles() -> Vec<Role> {
        [
            "nursing-and-midwifery-registered",
            "medical-and-dental",
            "healthcare-scientists",
        ]
        .iter()
        .enumerate()
        .map(|(i, g)| Role {
            id: i as i64 + 1,
            staff_group_id: i as i64 + 10,
            staff_group_slug: (*g).to_owned(),
        })
        .collect()
    }

    #[test]
    fn shares_add_to_one() {
        let total: f64 = STAFF_GROUP_SHARES.iter().map(|(_, s)| s).sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
    }

    #[test]
    fn staff_follow_the_shares_of_the_groups_present() {
        let roles = roles();
        let workforce = Workforce::new(&roles, &[1.0, 3.0]);
        let mut rng = StdRng::seed_from_u64(7);
        let people: Vec<Person> = (0..20_000)
            .filter_map(|_| workforce.person(&mut rng))
            .collect();
        let share = |role: usize| {
            people.iter().filter(|p| p.role == role).count() as f64 / people.len() as f64
        };
        // Nursing 0.26, medical 0.10, scientists 0.025 of 0.385 present.
        assert!((share(0) - 0.26 / 0.385).abs() < 0.02, "{}", share(0));
        assert!((share(1) - 0.10 / 0.385).abs() < 0.02, "{}", share(1));
        let second_org =
            people.iter().filter(|p| p.organisation == 1).count() as f64 / people.len() as f64;
        assert!((second_org - 0.75).abs() < 0.02, "{second_org}");
        assert!(
            people
                .iter()
                .filter(|p| p.role == 1)
                .all(|p| p.band.is_none())
        );
        let mean = |role: usize| {
            let of: Vec<f64> = people
                .iter()
                .filter(|p| p.role == role)
                .map(|p| p.learner.ability)
                .collect();
            of.iter().sum::<f64>() / of.len() as f64
        };
        assert!(mean(2) > mean(1) && mean(1) > mean(0));
    }
}
