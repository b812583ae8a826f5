package dev.pooler.api.admin;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A part of the administration that a plug-in bundle contributes (whiteboard): tables of plain text
 * and the actions it serves. Registered with the service property {@link #SECTION}.
 * Called from HTTP and shell threads, concurrently: implementations must be thread-safe, and
 * {@link #tables()} must be fast.
 */
@ConsumerType
public interface AdminSection {

    /** Service property: the section's name, {@link #SHARING}, {@link #AFFINITY} or a plug-in's own. */
    String SECTION = "pooler.admin.section";
    /** Loans and sharing agreements, with {@link AdminAction#RETURN_LOAN} and {@link AdminAction#MIGRATE}. */
    String SHARING = "sharing";
    /** Sessions and their affinity, with {@link AdminAction#PIN_SESSION}. */
    String AFFINITY = "affinity";

    /** A heading for the section, e.g. {@code Loans and sharing agreements}. */
    String title();

    /** The section's tables now. Values are plain text: the console escapes them. */
    List<AdminTable> tables();

    /** The actions this section serves. */
    List<AdminAction> actions();

    /**
     * Runs one of {@link #actions()}.
     *
     * @param action     an action's {@link AdminAction#name()}
     * @param parameters its parameters by name
     * @return a one-line message for the operator
     * @throws dev.pooler.api.PoolerException {@code BAD_REQUEST} for an unknown action or a bad parameter,
     *         another kind when the action fails
     */
    String perform(String action, Map<String, String> parameters);
}
