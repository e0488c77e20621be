package org.ppfarm.farm.cluster;

import org.apache.pekko.actor.AbstractActorWithTimers;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Props;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.DowningProvider;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.concurrent.duration.FiniteDuration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The farm's downing strategy: when members have been unreachable for a stable while, each side of the split decides,
 * from the same rule, which side stays; the other side's members are downed (removed from the cluster), and a node on
 * the losing side downs itself, which makes its process exit non-zero (see FarmHealth).
 *
 * <p>The rule compares the two sides, in order: (1) the side with more coordinators stays; (2) on a tie, the side with
 * more workers; (3) on a tie again, the side holding the oldest coordinator. Coordinators count first because a side
 * without one cannot take jobs; workers break the tie because they are the witnesses a two-coordinator farm lacks: when
 * one of two coordinators dies, the survivor has the workers on its side and stays, whichever of the two was older.
 * Pekko's keep-oldest cannot do that (with two coordinators its down-if-alone never applies, so the survivor of the
 * oldest's death downed itself), and keep-majority over every member lets workers outvote coordinators (a split that
 * leaves both coordinators with the fewer workers downs every coordinator). What no rule can tell by itself: an exact
 * tie on both counts (say two coordinators and no workers, or each coordinator with one worker) is indistinguishable
 * from a crash. Kafka is the arbiter ({@link MemberHeartbeats}): before this node downs itself, the unreachable members
 * that have also been silent on Kafka for the whole stable-after are taken as dead and do not count, so the survivors
 * of a worker's and the oldest coordinator's deaths stay. While Kafka cannot tell (this node's own heartbeats are not
 * coming back), a node that would down itself waits instead; without heartbeats (a node that started none) the rule
 * applies as it is (docs/operations.md, "Cluster membership and downing").
 *
 * <p>Members count when Up or Leaving (joining members have no vote, like Pekko's split-brain resolver). Each node
 * applies the rule to its own view, so both sides of a clean split reach complementary decisions. The winning side's
 * leader downs the unreachable members; every node of a losing side downs itself. Not handled, unlike Pekko's resolver:
 * indirectly connected nodes (reachable to some, not others) are treated as unreachable, and a cluster that never
 * becomes stable is not downed as a whole.
 */
public final class FarmDowning extends DowningProvider {
    /** The Pekko config key of the time members must stay unreachable, with no membership change, before deciding. */
    public static final String STABLE_AFTER = "ppfarm.downing.stable-after";

    private static final Logger LOG = LoggerFactory.getLogger(FarmDowning.class);

    private final FiniteDuration stableAfter;

    /** Made by Pekko from {@code pekko.cluster.downing-provider-class}. */
    public FarmDowning(ActorSystem system) {
        Duration d = system.settings().config().getDuration(STABLE_AFTER);
        this.stableAfter = FiniteDuration.create(d.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public FiniteDuration downRemovalMargin() {
        return stableAfter;
    }

    @Override
    public Option<Props> downingActorProps() {
        return Option.apply(Props.create(Downer.class, () -> new Downer(stableAfter.toMillis())));
    }

    /** A member as the rule sees it, from one node's view: its role, whether that node reaches it, and its age rank. */
    public record Seen(boolean coordinator, boolean reachable, int age) {}

    /**
     * Whether the reachable side (this node's) stays, given every voting member as this node sees it; {@code age} 0 is
     * the oldest. Symmetric: the other side, seeing the same members with reachability flipped, gets the opposite
     * answer.
     */
    public static boolean reachableSideStays(List<Seen> members) {
        int[] coordinators = new int[2], workers = new int[2]; // [0]: unreachable side, [1]: reachable side
        Seen oldestCoordinator = null;
        for (Seen s : members) {
            int side = s.reachable() ? 1 : 0;
            if (s.coordinator()) {
                coordinators[side]++;
                if (oldestCoordinator == null || s.age() < oldestCoordinator.age()) oldestCoordinator = s;
            } else {
                workers[side]++;
            }
        }
        if (coordinators[1] != coordinators[0]) return coordinators[1] > coordinators[0];
        if (workers[1] != workers[0]) return workers[1] > workers[0];
        if (oldestCoordinator != null) return oldestCoordinator.reachable();
        // no coordinator on either side: the oldest member's side
        return members.stream().min(Comparator.comparingInt(Seen::age)).map(Seen::reachable).orElse(true);
    }

    /**
     * As {@link #reachableSideStays}, with the members {@code dead} says are dead (unreachable and silent on Kafka)
     * counted on neither side.
     */
    public static boolean reachableSideStays(List<Seen> members, java.util.function.Predicate<Seen> dead) {
        return reachableSideStays(members.stream().filter(s -> s.reachable() || !dead.test(s)).toList());
    }

    /** The actor that watches reachability and applies the rule once it has been stable. */
    static final class Downer extends AbstractActorWithTimers {
        private static final Object TICK = "tick";

        private final long stableAfterMillis;
        private final Cluster cluster = Cluster.get(getContext().getSystem());
        private long changedAt = System.nanoTime();
        private Set<Address> decidedOn = Set.of();
        private Set<Address> waitedOn = Set.of();

        Downer(long stableAfterMillis) {
            this.stableAfterMillis = stableAfterMillis;
        }

        @Override
        public void preStart() {
            cluster.subscribe(getSelf(), ClusterEvent.initialStateAsEvents(), ClusterEvent.MemberEvent.class,
                    ClusterEvent.ReachabilityEvent.class);
            getTimers().startTimerWithFixedDelay(TICK, TICK, java.time.Duration.ofMillis(Math.max(100, Math.min(1000, stableAfterMillis / 4))));
        }

        @Override
        public void postStop() {
            cluster.unsubscribe(getSelf());
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .match(ClusterEvent.ClusterDomainEvent.class, e -> changedAt = System.nanoTime())
                    .matchEquals(TICK, t -> tick())
                    .build();
        }

        private static boolean votes(Member m) {
            return m.status() == MemberStatus.up() || m.status() == MemberStatus.leaving();
        }

        private void tick() {
            Member self = cluster.selfMember();
            if (!votes(self)) return;
            ClusterEvent.CurrentClusterState state = cluster.state();
            Set<Address> unreachable = new HashSet<>();
            for (Member m : state.getUnreachable()) if (votes(m)) unreachable.add(m.address());
            if (unreachable.isEmpty()) {
                decidedOn = Set.of();
                waitedOn = Set.of();
                return;
            }
            if (System.nanoTime() - changedAt < stableAfterMillis * 1_000_000L || unreachable.equals(decidedOn)) return;

            List<Member> voting = new ArrayList<>();
            for (Member m : state.getMembers()) if (votes(m)) voting.add(m);
            voting.sort((a, b) -> a.isOlderThan(b) ? -1 : b.isOlderThan(a) ? 1 : 0);
            List<Seen> seen = new ArrayList<>();
            int coordinatorsHere = 0, workersHere = 0;
            for (int i = 0; i < voting.size(); i++) {
                Member m = voting.get(i);
                boolean coordinator = m.hasRole(FarmCluster.COORDINATOR), reachable = !unreachable.contains(m.address());
                seen.add(new Seen(coordinator, reachable, i));
                if (reachable) { if (coordinator) coordinatorsHere++; else workersHere++; }
            }
            String sides = String.format("this side %d coordinator(s) and %d worker(s), %d unreachable (%s)",
                    coordinatorsHere, workersHere, unreachable.size(), unreachable);
            boolean stays = reachableSideStays(seen);
            MemberHeartbeats kafka = MemberHeartbeats.of(getContext().getSystem());
            if (!stays && kafka != null) { // before downing itself, ask Kafka which of the unreachable are alive
                Map<Address, MemberHeartbeats.Heard> heard = new HashMap<>();
                for (Address a : unreachable) heard.put(a, kafka.heard(a.toString()));
                if (heard.containsValue(MemberHeartbeats.Heard.UNKNOWN)) {
                    if (!unreachable.equals(waitedOn)) {
                        waitedOn = unreachable;
                        LOG.warn("cluster: the other side would stay, but Kafka cannot tell now whether it is alive; waiting: {}", sides);
                    }
                    return;
                }
                // a Seen's age is its index in voting
                stays = reachableSideStays(seen, s -> heard.get(voting.get(s.age()).address()) == MemberHeartbeats.Heard.SILENT);
                if (stays) sides += "; silent on Kafka too, so taken as dead: " + heard.entrySet().stream()
                        .filter(e -> e.getValue() == MemberHeartbeats.Heard.SILENT).map(e -> e.getKey().toString()).sorted().toList();
            }
            if (stays) {
                if (self.address().equals(state.getLeader())) { // the others of this side leave it to the leader
                    decidedOn = unreachable;
                    LOG.warn("cluster: downing the unreachable side: {}", sides);
                    for (Address a : unreachable) cluster.down(a);
                }
            } else {
                decidedOn = unreachable;
                LOG.warn("cluster: downing this node, the other side stays: {}", sides);
                cluster.down(self.address());
            }
        }
    }
}
