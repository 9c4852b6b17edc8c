package io.jetway.dashboard;

import java.util.Set;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.csrf.CsrfToken;

/**
 * Access through the application's Spring Security: its filter chain authenticates (and
 * checks CSRF tokens); the dashboard needs an authenticated user with the read or the
 * operator role, and the operator role plus a CSRF-protected request to act.
 */
class SecuredAccess implements DashboardAccess {

	private final String readAuthority;

	private final String operatorAuthority;

	SecuredAccess(DashboardProperties properties) {
		this.readAuthority = "ROLE_" + properties.getReadRole();
		this.operatorAuthority = "ROLE_" + properties.getOperatorRole();
	}

	@Override
	public Viewer viewer(HttpServletRequest request) {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
		String csrfParameter = (csrf != null) ? csrf.getParameterName() : null;
		String csrfToken = (csrf != null) ? csrf.getToken() : null;
		if (authentication == null || !authentication.isAuthenticated()
				|| authentication instanceof AnonymousAuthenticationToken) {
			return new Viewer(null, false, false, csrfParameter, csrfToken);
		}
		Set<String> authorities = authentication.getAuthorities()
			.stream()
			.map(GrantedAuthority::getAuthority)
			.collect(Collectors.toSet());
		boolean operator = authorities.contains(this.operatorAuthority);
		return new Viewer(authentication.getName(), operator || authorities.contains(this.readAuthority), operator,
				csrfParameter, csrfToken);
	}

	@Override
	public @Nullable String refuseAction(HttpServletRequest request) {
		if (request.getAttribute(CsrfToken.class.getName()) == null) {
			return "the application's security filter chain does not protect the dashboard's path against CSRF; "
					+ "actions need it (do not disable csrf for jetway.dashboard.path)";
		}
		return null;
	}

}
