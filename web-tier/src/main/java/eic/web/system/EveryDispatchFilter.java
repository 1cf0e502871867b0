package eic.web.system;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A filter that also runs on the async dispatch (where a controller's CompletableFuture is
 * written) and the error dispatch, which Spring re-authorizes and which log like the rest.
 */
public abstract class EveryDispatchFilter extends OncePerRequestFilter {
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }
}
