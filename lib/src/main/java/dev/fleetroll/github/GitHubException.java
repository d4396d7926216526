package dev.fleetroll.github;

import dev.fleetroll.RemoteServiceException;

/**
 * GitHub could not answer: a repository it does not show, a rejected token, a rate limit too far away, a server
 * that kept failing, an answer that is not the expected JSON. The message is one line naming what and, where
 * possible, the fix; it never contains the token.
 */
public class GitHubException extends RemoteServiceException {
    public GitHubException(String message) {
        super(message, null);
    }

    public GitHubException(String message, Throwable cause) {
        super(message, cause);
    }
}
