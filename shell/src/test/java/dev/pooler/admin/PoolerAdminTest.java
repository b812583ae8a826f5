package dev.pooler.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolType;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.testing.Fakes;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class PoolerAdminTest {

    @Test
    void executesThroughTheRouterWhenOneIsPresent() {
        var pool = Fakes.pool("general_pool", PoolType.GENERAL, 2, null, Fakes.stats("general_pool", 2, 0, 0, 0, 0));
        var router = new Fakes.Router(Set.of("round_robin"), List.of(),
                r -> CompletableFuture.completedFuture(new Response("routed_pool", "w", new JsonObject(), 0, 0)));
        PoolerAdmin admin = new PoolerAdmin(Fakes.registry(List.of(pool), false), router, null, null);

        Response r = admin.execute(Request.builder("echo").pool("general_pool").build()).toCompletableFuture().join();

        assertEquals("routed_pool", r.poolId());
        assertEquals("general_pool", router.routed.get(0).pool(), "the pool hint travels with the request");
    }

    @Test
    void withoutARouterNothingChoosesAPoolBehindItsBack() {
        var a = Fakes.pool("a", PoolType.GENERAL, 1, null, Fakes.stats("a", 1, 0, 0, 0, 0));
        PoolerAdmin admin = new PoolerAdmin(Fakes.registry(List.of(a), false), null, null, null);
        // Pools are chosen by one rule, the router's: without it a request fails typed, even naming a pool.
        CompletionException e = assertThrows(CompletionException.class,
                () -> admin.execute(Request.builder("echo").pool("a").build()).toCompletableFuture().join());
        assertEquals(ErrorKind.SHUTTING_DOWN, PoolerException.of(e).kind());
        assertTrue(PoolerException.of(e).getMessage().contains("router"), e.getMessage());
    }

    @Test
    void withoutARegistryTheRequestFailsTyped() {
        PoolerAdmin admin = new PoolerAdmin(null, null, null, null);
        CompletionException e = assertThrows(CompletionException.class,
                () -> admin.execute(Request.of("echo")).toCompletableFuture().join());
        assertEquals(ErrorKind.SHUTTING_DOWN, PoolerException.of(e).kind());
        assertTrue(admin.rebalance().contains("not running"));
    }

    @Test
    void aStrategyCannotBeStoredWithoutConfigAdmin() {
        var router = new Fakes.Router(Set.of("round_robin"), List.of(), r -> null);
        PoolerAdmin admin = new PoolerAdmin(null, router, null, null);
        assertEquals(ErrorKind.SHUTTING_DOWN, assertThrows(PoolerException.class, () -> admin.switchStrategy("round_robin")).kind());
    }

    @Test
    void rebalanceReportsWhatHappened() {
        PoolerAdmin admin = new PoolerAdmin(Fakes.registry(List.of(), true), null, null, null);
        assertEquals("rebalance started", admin.rebalance());
    }

    @Test
    void theHintForAddingAPoolNamesTheFolderFileInstallWatchesOnlyWhereThereIsOne() {
        assertEquals("add a configuration of factory PID dev.pooler.pool", new PoolerAdmin(null, null, null, null).poolConfigurationHint());
        assertEquals("/opt/karaf/etc", PoolerAdmin.watchedFolder("/opt/karaf/etc"));
        assertEquals("/home/p/conf", PoolerAdmin.watchedFolder(" /home/p/conf , /home/p/deploy"));
        assertEquals(null, PoolerAdmin.watchedFolder(""));
        assertEquals(null, PoolerAdmin.watchedFolder(null));
    }
}
