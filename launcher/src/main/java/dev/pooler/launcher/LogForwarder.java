package dev.pooler.launcher;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;

/**
 * Prints the OSGi log's warnings and errors (a component that fails to activate, a
 * configuration refused…) on stderr, where a person running the launcher looks. Until the log
 * service is there, framework errors are printed directly.
 *
 * <p>The log API lives in the log bundle, not on the launcher's class path, so the listener is
 * a dynamic proxy of the bundle's own {@code LogListener} type.
 */
final class LogForwarder implements ServiceListener, FrameworkListener {

    static final String LEVEL_PROPERTY = "pooler.log.level";
    private static final String API = "org.osgi.service.log.";
    private static final List<String> LEVELS = List.of("AUDIT", "ERROR", "WARN", "INFO", "DEBUG", "TRACE");

    private final BundleContext context;
    private final PrintStream err;
    private final int threshold;
    private volatile boolean attached;

    LogForwarder(BundleContext context, PrintStream err, String level) {
        this.context = context;
        this.err = err;
        int index = LEVELS.indexOf(level == null ? "WARN" : level.trim().toUpperCase());
        this.threshold = index < 0 ? LEVELS.indexOf("WARN") : index;
    }

    void open() {
        context.addFrameworkListener(this);
        try {
            context.addServiceListener(this, "(objectClass=" + API + "LogReaderService)");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.ERROR && !attached) {
            err.println("[pooler] ERROR " + name(event.getBundle()) + ": " + event.getThrowable());
        }
    }

    @Override
    public synchronized void serviceChanged(ServiceEvent event) {
        if (event.getType() != ServiceEvent.REGISTERED || attached) {
            return;
        }
        ServiceReference<?> reference = event.getServiceReference();
        try {
            Bundle logBundle = reference.getBundle();
            Class<?> readerType = logBundle.loadClass(API + "LogReaderService");
            Class<?> listenerType = logBundle.loadClass(API + "LogListener");
            Class<?> entryType = logBundle.loadClass(API + "LogEntry");
            Object reader = context.getService(reference);
            Object listener = Proxy.newProxyInstance(listenerType.getClassLoader(), new Class<?>[] {listenerType},
                    (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "logged": logged(entryType, args[0]); return null;
                            case "hashCode": return System.identityHashCode(proxy);
                            case "equals": return proxy == args[0];
                            default: return "pooler stderr log listener";
                        }
                    });
            readerType.getMethod("addLogListener", listenerType).invoke(reader, listener);
            attached = true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            err.println("[pooler] cannot forward the OSGi log to stderr: " + e);
        }
    }

    private void logged(Class<?> entryType, Object entry) throws ReflectiveOperationException {
        String level = String.valueOf(call(entryType, entry, "getLogLevel"));
        int index = LEVELS.indexOf(level);
        if (index < 0 || index > threshold) {
            return;
        }
        Bundle bundle = (Bundle) call(entryType, entry, "getBundle");
        Throwable exception = (Throwable) call(entryType, entry, "getException");
        synchronized (err) {
            err.println("[pooler] " + level + " " + name(bundle) + ": " + call(entryType, entry, "getMessage"));
            if (exception != null) {
                if (index <= LEVELS.indexOf("ERROR")) {
                    exception.printStackTrace(err);
                } else {
                    err.println("        " + exception);
                }
            }
        }
    }

    private static Object call(Class<?> type, Object target, String method) throws ReflectiveOperationException {
        Method m = type.getMethod(method);
        return m.invoke(target);
    }

    private static String name(Bundle bundle) {
        return bundle == null ? "?" : bundle.getSymbolicName();
    }
}
