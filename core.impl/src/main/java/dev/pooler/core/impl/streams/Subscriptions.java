package dev.pooler.core.impl.streams;

import java.util.concurrent.Flow;

/** What every {@link Flow.Publisher} of Pooler's streams does the same way (Reactive Streams rules). */
public final class Subscriptions {

    private Subscriptions() {
    }

    /** Turns a subscriber away: a subscription that does nothing, then {@code onError} saying why (§1.9, §2.13). */
    public static void refuse(Flow.Subscriber<?> s, String why) {
        s.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
            }
        });
        s.onError(new IllegalStateException(why));
    }

    /** Outstanding demand plus {@code n}, capped at {@link Long#MAX_VALUE} ("effectively unbounded", §3.17). */
    public static long addDemand(long demand, long n) {
        return demand + n < 0 ? Long.MAX_VALUE : demand + n;
    }
}
