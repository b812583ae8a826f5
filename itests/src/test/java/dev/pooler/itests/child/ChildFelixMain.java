package dev.pooler.itests.child;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * A child JVM for {@code JvmKillIT}: Felix with the platform's bundles, one pool configured through
 * ConfigAdmin. Prints {@code PIDS <pid> ...} once the pool's workers are ready, then waits to be killed.
 * Arguments: storage folder, python, size, bundle files...
 * Only the framework and this class are on the class path, so the services are used by reflection.
 */
public final class ChildFelixMain {

    private ChildFelixMain() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) {
            // The framework's threads would keep the JVM alive: say so and leave.
            System.out.println("FAILED " + t);
            t.printStackTrace();
            System.out.flush();
            System.exit(2);
        }
    }

    private static void run(String[] args) throws Exception {
        String storage = args[0];
        String python = args[1];
        int size = Integer.parseInt(args[2]);
        Map<String, String> props = new HashMap<>();
        props.put(Constants.FRAMEWORK_STORAGE, storage);
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        props.put("pooler.python", python);
        Framework fw = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(props);
        fw.init();
        BundleContext bc = fw.getBundleContext();
        List<Bundle> bundles = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            bundles.add(bc.installBundle(Path.of(args[i]).toUri().toString()));
        }
        fw.start();
        for (Bundle b : bundles) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                b.start();
            }
        }

        ServiceReference<?> caRef = await(bc, "org.osgi.service.cm.ConfigurationAdmin", null);
        Object ca = bc.getService(caRef);
        Class<?> caType = caRef.getBundle().loadClass("org.osgi.service.cm.ConfigurationAdmin");
        Class<?> confType = caRef.getBundle().loadClass("org.osgi.service.cm.Configuration");
        Object conf = caType.getMethod("createFactoryConfiguration", String.class, String.class)
                .invoke(ca, "dev.pooler.pool", "?");
        Hashtable<String, Object> config = new Hashtable<>();
        config.put("pool.id", "child_felix");
        config.put("size", size);
        config.put("adapter", "bench,testing");
        confType.getMethod("update", Dictionary.class).invoke(conf, config);

        ServiceReference<?> poolRef = await(bc, "dev.pooler.api.Pool", "(pooler.pool.id=child_felix)");
        Object pool = bc.getService(poolRef);
        Class<?> poolType = poolRef.getBundle().loadClass("dev.pooler.api.Pool");
        Method stats = poolType.getMethod("stats");
        Method workers = poolType.getMethod("workers");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            Object s = stats.invoke(pool);
            int ready = (Integer) s.getClass().getMethod("workers").invoke(s);
            if (ready == size && ((List<?>) workers.invoke(pool)).size() == size) {
                break;
            }
            if (System.nanoTime() > deadline) {
                System.out.println("FAILED the workers did not start: " + s);
                System.exit(2);
            }
            Thread.sleep(50);
        }
        List<Long> pids = new ArrayList<>();
        for (Object w : (List<?>) workers.invoke(pool)) {
            pids.add((Long) w.getClass().getMethod("pid").invoke(w));
        }
        System.out.println("PIDS " + pids.stream().map(String::valueOf).collect(Collectors.joining(" ")));
        System.out.flush();
        new CountDownLatch(1).await(); // until killed
    }

    private static ServiceReference<?> await(BundleContext bc, String type, String filter) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            ServiceReference<?>[] refs = bc.getServiceReferences(type, filter);
            if (refs != null && refs.length > 0) {
                return refs[0];
            }
            if (System.nanoTime() > deadline) {
                System.out.println("FAILED no " + type + " service " + (filter == null ? "" : filter));
                System.exit(2);
            }
            Thread.sleep(50);
        }
    }
}
