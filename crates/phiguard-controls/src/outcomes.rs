//! A scan's results, kept as each control produced them.
//!
//! Controls run in parallel, each into its own vector. Concatenating those into one vector
//! moved every outcome once more into freshly faulted-in memory: 0.6 s of a million-resource
//! scan, for nothing, since every reader only iterates. [`Outcomes`] keeps the vectors and
//! iterates them in order.

use crate::engine::Outcome;

/// Results in catalogue order, then in the order each control emitted them.
#[derive(Debug, Default)]
pub struct Outcomes<'a> {
    /// One vector per control that ran, in catalogue order.
    batches: Vec<Vec<Outcome<'a>>>,
}

impl<'a> Outcomes<'a> {
    /// The results of each control, in catalogue order.
    pub fn from_batches(batches: Vec<Vec<Outcome<'a>>>) -> Outcomes<'a> {
        Outcomes { batches }
    }

    /// The number of results.
    pub fn len(&self) -> usize {
        self.batches.iter().map(Vec::len).sum()
    }

    /// Whether there is no result.
    pub fn is_empty(&self) -> bool {
        self.batches.iter().all(Vec::is_empty)
    }

    /// Every result, in order.
    pub fn iter(&self) -> Iter<'_, 'a> {
        self.batches.iter().flatten()
    }

    /// Every result, in order, to change in place.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Outcome<'a>> {
        self.batches.iter_mut().flatten()
    }

    /// The results, one slice per control that ran (possibly empty), in order: for work split
    /// across threads.
    pub fn batches(&self) -> &[Vec<Outcome<'a>>] {
        &self.batches
    }

    /// Keeps the results `keep` says to, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&Outcome<'a>) -> bool) {
        for batch in &mut self.batches {
            batch.retain(&mut keep);
        }
    }
}

/// The iterator of [`Outcomes::iter`].
pub type Iter<'r, 'a> = std::iter::Flatten<std::slice::Iter<'r, Vec<Outcome<'a>>>>;

impl<'r, 'a> IntoIterator for &'r Outcomes<'a> {
    type Item = &'r Outcome<'a>;
    type IntoIter = Iter<'r, 'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a> IntoIterator for Outcomes<'a> {
    type Item = Outcome<'a>;
    type IntoIter = std::iter::Flatten<std::vec::IntoIter<Vec<Outcome<'a>>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.batches.into_iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use phiguard_model::{Evaluation, Severity, Status, Subject};

    use super::*;
    use crate::CATALOGUE;

    fn outcome(id: &'static str, status: Status) -> Outcome<'static> {
        Outcome {
            control: CATALOGUE[0],
            evaluation: Evaluation {
                subject: Subject::account(id, false),
                status,
                reason: Cow::Borrowed(""),
                evidence: Vec::new(),
            },
            severity: Severity::Low,
            waiver: None,
        }
    }

    fn ids(outcomes: &Outcomes<'_>) -> Vec<String> {
        outcomes
            .iter()
            .map(|o| o.evaluation.subject.account.to_string())
            .collect()
    }

    #[test]
    fn iterates_every_batch_in_order_and_counts_and_retains() {
        let mut outcomes = Outcomes::from_batches(vec![
            vec![outcome("a", Status::Pass), outcome("b", Status::Fail)],
            vec![],
            vec![outcome("c", Status::Fail)],
        ]);
        assert_eq!(outcomes.len(), 3);
        assert!(!outcomes.is_empty());
        assert_eq!(ids(&outcomes), ["a", "b", "c"]);
        assert_eq!((&outcomes).into_iter().count(), 3);
        assert_eq!(outcomes.batches().len(), 3);
        for o in outcomes.iter_mut() {
            o.evaluation.status = match o.evaluation.status {
                Status::Pass => Status::Fail,
                _ => Status::Pass,
            };
        }
        outcomes.retain(|o| o.evaluation.status == Status::Pass);
        assert_eq!(ids(&outcomes), ["b", "c"]);
        assert_eq!(outcomes.len(), 2);
        let owned: Vec<Outcome<'_>> = outcomes.into_iter().collect();
        assert_eq!(owned.len(), 2);
        assert!(Outcomes::default().is_empty());
    }
}
