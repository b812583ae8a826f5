package dev.pooler.api.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import org.junit.jupiter.api.Test;

class SharingContractsTest {

    @Test
    void anAgreementIsTheSameWhicheverWayItIsNamed() {
        SharingAgreement ab = new SharingAgreement("b_pool", "a_pool", 2);
        assertEquals("a_pool", ab.poolA());
        assertEquals("b_pool", ab.poolB());
        assertTrue(ab.between("b_pool", "a_pool"));
        assertEquals(ab, new SharingAgreement("a_pool", "b_pool", 2));
    }

    @Test
    void aBadAgreementNamesWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SharingAgreement("a", "a", 1)).getMessage().contains("itself"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SharingAgreement("a", "b", -1)).getMessage().startsWith("max_workers"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SharingAgreement(null, "b", 1)).getMessage().startsWith("pool"));
    }

    @Test
    void migrationModesParseAndABadOneIsABadRequestNamingTheField() {
        assertEquals(WorkerMigration.Mode.SESSION_AWARE, WorkerMigration.Mode.parse("mode", "session-aware"));
        assertEquals(WorkerMigration.Mode.IMMEDIATE, WorkerMigration.Mode.parse("mode", " Immediate "));
        PoolerException e = assertThrows(PoolerException.class, () -> WorkerMigration.Mode.parse("mode", "sideways"));
        assertEquals(ErrorKind.BAD_REQUEST, e.kind());
        assertTrue(e.getMessage().startsWith("mode:"), e.getMessage());
    }
}
