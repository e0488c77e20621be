package org.ppfarm.farm.cluster;

import org.junit.jupiter.api.Test;
import org.ppfarm.farm.cluster.FarmDowning.Seen;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The downing rule on the splits an operator meets: a crashed coordinator (the oldest of two included), a coordinator
 * and a worker lost at once, a partition that isolates workers; and that both sides of any split decide the opposite
 * way, so exactly one side stays.
 */
class FarmDowningTest {
    /** Members in age order (oldest first): 'C' a coordinator, 'W' a worker; lower case: unreachable from this node. */
    private static List<Seen> view(String members) {
        List<Seen> seen = new ArrayList<>();
        for (int i = 0; i < members.length(); i++) {
            char m = members.charAt(i);
            seen.add(new Seen(Character.toUpperCase(m) == 'C', Character.isUpperCase(m), i));
        }
        return seen;
    }

    private static List<Seen> flipped(List<Seen> view) {
        return view.stream().map(s -> new Seen(s.coordinator(), !s.reachable(), s.age())).toList();
    }

    @Test
    void theSurvivorOfTheOldestOfTwoCoordinatorsStaysWithTheWorkers() {
        // c0 (oldest) crashed; c1 and both workers remain: keep-oldest would have kept the dead node's side
        assertTrue(FarmDowning.reachableSideStays(view("cCWW")));
        assertFalse(FarmDowning.reachableSideStays(view("Ccww")), "the crashed side, had it a view, would down itself");
        // the younger crashed instead
        assertTrue(FarmDowning.reachableSideStays(view("CcWW")));
    }

    @Test
    void aCoordinatorAndAWorkerLostAtOnceLeaveTheRestServing() {
        // FarmChaosTest's faults within one stable-after: three coordinators, two workers, the oldest and a worker die
        assertTrue(FarmDowning.reachableSideStays(view("cCCwW")));
        // two coordinators, three workers, the oldest with one worker
        assertTrue(FarmDowning.reachableSideStays(view("cCwWW")));
    }

    @Test
    void membersSilentOnKafkaDoNotCountSoTheSurvivorsOfATieStay() {
        // two coordinators, two workers; a worker and then the oldest coordinator die within one stable-after
        List<Seen> v = view("cCwW");
        assertFalse(FarmDowning.reachableSideStays(v), "by the counts alone, a tie the dead oldest coordinator's side wins");
        assertTrue(FarmDowning.reachableSideStays(v, s -> true), "both unreachable are silent on Kafka: dead, so this side stays");
        assertFalse(FarmDowning.reachableSideStays(v, s -> false), "both alive on Kafka: a real split, the rule as it is");
        assertTrue(FarmDowning.reachableSideStays(v, s -> !s.coordinator()), "only the worker dead: one coordinator each, this side has more workers");
        // a live side is not outvoted by its own reachable members being called dead: only unreachable ones are dropped
        assertTrue(FarmDowning.reachableSideStays(view("Cw"), s -> s.reachable()));
    }

    @Test
    void coordinatorsAreNotOutvotedByWorkers() {
        // both coordinators with one worker, three workers cut off: keep-majority over all members would down both
        assertTrue(FarmDowning.reachableSideStays(view("CCWwww")));
        assertFalse(FarmDowning.reachableSideStays(view("ccwWWW")));
    }

    @Test
    void anExactTieKeepsTheOldestCoordinatorsSide() {
        assertTrue(FarmDowning.reachableSideStays(view("Cc")));
        assertFalse(FarmDowning.reachableSideStays(view("cC")), "two coordinators, no workers: indistinguishable from a crash");
        assertFalse(FarmDowning.reachableSideStays(view("cCwW")));
        // workers only (no coordinator anywhere): the oldest member's side
        assertTrue(FarmDowning.reachableSideStays(view("Ww")));
    }

    @Test
    void exactlyOneSideOfAnySplitStays() {
        Random r = new Random(14);
        for (int n = 0; n < 10_000; n++) {
            StringBuilder b = new StringBuilder();
            int size = 2 + r.nextInt(9);
            for (int i = 0; i < size; i++) {
                char m = r.nextInt(3) == 0 ? 'C' : 'W';
                b.append(r.nextBoolean() ? m : Character.toLowerCase(m));
            }
            List<Seen> v = view(b.toString());
            if (v.stream().allMatch(Seen::reachable) || v.stream().noneMatch(Seen::reachable)) continue;
            assertNotEquals(FarmDowning.reachableSideStays(v), FarmDowning.reachableSideStays(flipped(v)), b.toString());
        }
        assertTrue(FarmDowning.reachableSideStays(view("CCCccwww")), "more coordinators win over more workers");
    }
}
