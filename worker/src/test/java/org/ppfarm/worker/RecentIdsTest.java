package org.ppfarm.worker;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecentIdsTest {
    @Test
    void keepsTheNewestIdsUpToItsCapacity() {
        RecentIds ids = new RecentIds(3);
        for (String id : new String[] {"a", "b", "c", "d"}) assertTrue(ids.add(id));
        assertFalse(ids.add("d"), "already there");
        assertEquals(3, ids.size());
        assertFalse(ids.contains("a"), "the oldest is forgotten first");
        assertTrue(ids.contains("b") && ids.contains("c") && ids.contains("d"));
        ids.add("e");
        assertFalse(ids.contains("b"));
        assertTrue(ids.contains("e"));
    }

    @Test
    void refusesANonPositiveCapacity() {
        assertThrows(IllegalArgumentException.class, () -> new RecentIds(0));
    }
}
