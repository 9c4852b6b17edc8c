package io.jetway.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.csrf.DeferredCsrfToken;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;

/**
 * Access through the application's Spring Security: its filter chain authenticates and
 * keeps the CSRF token; the dashboard needs an authenticated user with the read or the
 * operator role, and to act the operator role, a same-origin request and the CSRF token
 * (checked here, whether or not the chain checks it for the dashboard's path).
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
		String otherOrigin = SameOrigin.refusal(request);
		if (otherOrigin != null) {
			return otherOrigin;
		}
		// the chain's CsrfFilter exposes the token even for paths it does not check
		// (csrf.ignoringRequestMatchers), so the dashboard checks the submitted one
		// itself
		DeferredCsrfToken deferred = (DeferredCsrfToken) request.getAttribute(DeferredCsrfToken.class.getName());
		if (deferred == null) {
			return "the application's security filter chain has no CSRF protection; actions need it "
					+ "(do not disable csrf in the chain that serves jetway.dashboard.path)";
		}
		if (deferred.isGenerated() || !submittedTokenMatches(request, deferred.get())) {
			return "the request has no valid CSRF token (reload the page and try again)";
		}
		return null;
	}

	/**
	 * @return whether the {@code _csrf} parameter or the CSRF header holds the expected
	 * token, masked (as the pages render it) or as it is
	 */
	private static boolean submittedTokenMatches(HttpServletRequest request, CsrfToken expected) {
		String masked = new XorCsrfTokenRequestAttributeHandler().resolveCsrfTokenValue(request, expected);
		String plain = new CsrfTokenRequestAttributeHandler().resolveCsrfTokenValue(request, expected);
		return equalsConstantTime(expected.getToken(), masked) || equalsConstantTime(expected.getToken(), plain);
	}

	private static boolean equalsConstantTime(String expected, @Nullable String actual) {
		return actual != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
				actual.getBytes(StandardCharsets.UTF_8));
	}

}
