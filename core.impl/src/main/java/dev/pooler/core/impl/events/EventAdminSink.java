package dev.pooler.core.impl.events;

import static java.lang.System.Logger.Level.WARNING;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * An {@link EventSink} that posts through whichever Event Admin is bound now, or drops the event when none is.
 *
 * <p>Event Admin is optional: core.impl imports {@code org.osgi.service.event} with
 * {@code resolution:=optional}. Components bind it as {@link ComponentServiceObjects} (a type of DS, never
 * of Event Admin), so their classes load and reflect without the package; only the nested poster names
 * Event Admin's types and it is loaded only once a service is bound. Should Event Admin arrive after
 * core.impl resolved without it, the binding is refused with a warning until the bundle is refreshed.
 */
public final class EventAdminSink implements EventSink {

    private static final System.Logger LOG = System.getLogger(EventAdminSink.class.getName());

    private record Bound(ServiceReference<?> reference, EventSink poster) {
    }

    private final AtomicReference<Bound> bound = new AtomicReference<>();

    /** A DS bind method's argument: the Event Admin service to post through. */
    public void bind(ComponentServiceObjects<?> eventAdmin) {
        Object service = eventAdmin.getService();
        if (service == null) {
            return;
        }
        EventSink poster;
        try {
            poster = Poster.of(service);
        } catch (LinkageError e) {
            LOG.log(WARNING, "an Event Admin appeared but this bundle was resolved without org.osgi.service.event; "
                    + "Pooler posts no events until the bundle is refreshed");
            return;
        }
        bound.set(new Bound(eventAdmin.getServiceReference(), poster));
    }

    /** A DS unbind method's argument. */
    public void unbind(ComponentServiceObjects<?> eventAdmin) {
        ServiceReference<?> gone = eventAdmin.getServiceReference();
        bound.updateAndGet(b -> b != null && Objects.equals(b.reference(), gone) ? null : b);
    }

    public boolean present() {
        return bound.get() != null;
    }

    @Override
    public void post(String topic, Map<String, Object> properties) {
        Bound b = bound.get();
        if (b == null) {
            return;
        }
        try {
            b.poster().post(topic, properties);
        } catch (RuntimeException e) {
            // Event Admin going away mid-call: the event is lost, the request path is not.
        }
    }

    /** The only code of core.impl that names Event Admin's types. */
    private static final class Poster implements EventSink {

        private final EventAdmin eventAdmin;

        private Poster(EventAdmin eventAdmin) {
            this.eventAdmin = eventAdmin;
        }

        static EventSink of(Object service) {
            return new Poster((EventAdmin) service);
        }

        @Override
        public void post(String topic, Map<String, Object> properties) {
            eventAdmin.postEvent(new Event(topic, properties));
        }
    }
}
