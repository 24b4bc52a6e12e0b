//! An account's lease of permits of one provider key (the account's side of `key_gate/`): the
//! permits a key gate granted beyond the one asked for, usable for three quarters of the lease
//! time (the last quarter is the margin for a call to reach the provider), and the key's pause
//! as this account learnt of it. Pure: the times are given.

use super::key_limits::Decision;

/// A permit of the key, taken for one upstream call. One not used (the call was refused after
/// it was taken) goes back to the lease ([`Lease::give_back`]) rather than being lost.
#[must_use = "a permit is for one upstream call, or is given back"]
#[derive(Debug, PartialEq, Eq)]
pub struct Permit {
    /// Until when it may still start a call (epoch ms); 0: a permit of a key whose rates are
    /// off, nothing to give back.
    usable_until_ms: u64,
}

impl Permit {
    /// A permit of a key no gate limits (no key configured, or both its rates at 0).
    pub fn unlimited() -> Self {
        Self { usable_until_ms: 0 }
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    permits: u64,
    usable_until_ms: u64,
    /// A pause of the key this account learnt of (epoch ms; 0: none).
    paused_until_ms: u64,
}

impl Lease {
    /// A permit from the lease at `now_ms`; else when the pause this account knows of ends
    /// (0: not paused, the key gate is to be asked). Expired permits are dropped.
    pub fn take(&mut self, now_ms: u64) -> Result<Permit, u64> {
        if self.paused_until_ms > now_ms {
            return Err(self.paused_until_ms);
        }
        if self.permits > 0 && self.usable_until_ms > now_ms {
            self.permits -= 1;
            return Ok(Permit {
                usable_until_ms: self.usable_until_ms,
            });
        }
        self.permits = 0;
        Err(0)
    }

    /// The key gate's answer to an ask at `now_ms` for a lease of `lease_ms`: the first
    /// permit granted is the caller's, the rest the lease's. `None`: refused (wait
    /// `decision.wait_ms`).
    pub fn granted(&mut self, decision: &Decision, now_ms: u64, lease_ms: u64) -> Option<Permit> {
        self.paused_until_ms = decision.paused_until_ms;
        if decision.granted == 0 {
            return None;
        }
        let usable_until_ms = now_ms.saturating_add(lease_ms * 3 / 4);
        if decision.granted > 1 {
            // Added to what the lease still holds (a permit given back while this ask was
            // answered), all of it ending with the earlier end.
            self.add(decision.granted - 1, usable_until_ms, now_ms);
        }
        Some(Permit { usable_until_ms })
    }

    /// A permit taken and then not used (the account's own limits refused the call after the
    /// permit's wait): back into the lease while it may still start a call, so the key's
    /// grant is not lost to the whole fleet. Permits already in the lease keep the earlier of
    /// the two ends (never longer than granted).
    pub fn give_back(&mut self, permit: Permit, now_ms: u64) {
        if permit.usable_until_ms <= now_ms || self.paused_until_ms > now_ms {
            return;
        }
        self.add(1, permit.usable_until_ms, now_ms);
    }

    /// `permits` more, usable until `usable_until_ms`: after the lease's own while they still
    /// last, the earlier end for all of them; in place of them once they have ended.
    fn add(&mut self, permits: u64, usable_until_ms: u64, now_ms: u64) {
        if self.permits > 0 && self.usable_until_ms > now_ms {
            self.usable_until_ms = self.usable_until_ms.min(usable_until_ms);
            self.permits += permits;
        } else {
            self.usable_until_ms = usable_until_ms;
            self.permits = permits;
        }
    }

    /// An upstream 429 pauses the key until `until_ms`: the lease's permits are dropped.
    pub fn pause(&mut self, until_ms: u64) {
        self.permits = 0;
        self.paused_until_ms = self.paused_until_ms.max(until_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000_000;
    const LEASE_MS: u64 = 4_000;

    fn granted(n: u64) -> Decision {
        Decision {
            granted: n,
            wait_ms: 0,
            paused_until_ms: 0,
        }
    }

    #[test]
    fn a_grant_of_three_is_the_callers_permit_and_two_leased_for_three_quarters_of_the_lease() {
        let mut lease = Lease::default();
        assert!(lease.granted(&granted(3), NOW, LEASE_MS).is_some());
        assert!(lease.take(NOW + 10).is_ok());
        assert!(lease.take(NOW + 2_999).is_ok());
        assert_eq!(lease.take(NOW + 2_999), Err(0), "two leased, no more");
        let mut late = Lease::default();
        let _ = late.granted(&granted(3), NOW, LEASE_MS);
        assert_eq!(
            late.take(NOW + 3_000),
            Err(0),
            "expired at 3/4 of the lease"
        );
    }

    #[test]
    fn a_refused_ask_leases_nothing_and_a_pause_is_kept() {
        let mut lease = Lease::default();
        let paused = Decision {
            granted: 0,
            wait_ms: 5_000,
            paused_until_ms: NOW + 5_000,
        };
        assert_eq!(lease.granted(&paused, NOW, LEASE_MS), None);
        assert_eq!(
            lease.take(NOW + 1),
            Err(NOW + 5_000),
            "the pause needs no ask"
        );
        assert_eq!(
            lease.take(NOW + 5_000),
            Err(0),
            "then the gate is asked again"
        );
    }

    #[test]
    fn a_permit_given_back_is_the_next_calls_without_an_ask() {
        let mut lease = Lease::default();
        let permit = lease.granted(&granted(1), NOW, LEASE_MS).unwrap();
        assert_eq!(lease.take(NOW + 1), Err(0), "a single grant leases nothing");
        lease.give_back(permit, NOW + 100);
        assert_eq!(
            lease.take(NOW + 200),
            Ok(Permit {
                usable_until_ms: NOW + 3_000
            })
        );
        assert_eq!(lease.take(NOW + 201), Err(0));
    }

    #[test]
    fn a_permit_given_back_never_outlives_its_grant_nor_lengthens_the_lease() {
        let mut lease = Lease::default();
        let old = lease.granted(&granted(1), NOW, LEASE_MS).unwrap();
        lease.give_back(old, NOW + 3_000);
        assert_eq!(lease.take(NOW + 3_001), Err(0), "expired when given back");

        let mut lease = Lease::default();
        let early = lease.granted(&granted(1), NOW, LEASE_MS).unwrap();
        let _ = lease.granted(&granted(2), NOW + 1_000, LEASE_MS); // one leased until NOW+4000
        lease.give_back(early, NOW + 1_500);
        assert!(lease.take(NOW + 2_000).is_ok());
        assert!(lease.take(NOW + 2_000).is_ok());
        assert_eq!(lease.take(NOW + 2_000), Err(0));
        let _ = lease.granted(&granted(2), NOW + 1_000, LEASE_MS);
        let early = Permit {
            usable_until_ms: NOW + 3_000,
        };
        lease.give_back(early, NOW + 1_500);
        assert_eq!(
            lease.take(NOW + 3_500),
            Err(0),
            "the lease now ends with the earlier permit"
        );
    }

    #[test]
    fn a_permit_given_back_beside_expired_ones_is_kept_and_a_later_grant_adds_to_it() {
        let mut lease = Lease::default();
        let _ = lease.granted(&granted(3), NOW, LEASE_MS); // two leased until NOW+3000
        let fresh = lease.granted(&granted(1), NOW + 5_000, LEASE_MS).unwrap();
        lease.give_back(fresh, NOW + 5_100);
        assert!(
            lease.take(NOW + 5_200).is_ok(),
            "not lost with the two expired ones"
        );
        assert_eq!(lease.take(NOW + 5_200), Err(0));

        let given = lease.granted(&granted(1), NOW + 10_000, LEASE_MS).unwrap();
        lease.give_back(given, NOW + 10_100);
        let _ = lease.granted(&granted(3), NOW + 10_200, LEASE_MS);
        for _ in 0..3 {
            assert!(
                lease.take(NOW + 10_300).is_ok(),
                "the given-back one and the two granted"
            );
        }
        assert_eq!(lease.take(NOW + 10_300), Err(0));
    }

    #[test]
    fn a_paused_key_takes_nothing_back_and_drops_its_lease() {
        let mut lease = Lease::default();
        let permit = lease.granted(&granted(3), NOW, LEASE_MS).unwrap();
        lease.pause(NOW + 60_000);
        lease.give_back(permit, NOW + 1);
        assert_eq!(lease.take(NOW + 2), Err(NOW + 60_000));
        assert_eq!(
            lease.take(NOW + 60_000),
            Err(0),
            "the leased two were dropped"
        );
        lease.give_back(Permit::unlimited(), NOW + 60_001);
        assert_eq!(
            lease.take(NOW + 60_002),
            Err(0),
            "an unlimited permit is not leased"
        );
    }
}
