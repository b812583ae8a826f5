/**
 * Sessions: the state a session's requests build up on the Python side (programs, variables), kept
 * by the platform in a versioned {@link dev.pooler.api.session.SessionStore} so that it survives the
 * worker that made it and follows the session to any worker.
 */
@Export
@Version("1.2.0")
package dev.pooler.api.session;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
