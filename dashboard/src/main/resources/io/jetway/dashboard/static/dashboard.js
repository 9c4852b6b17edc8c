// Jetway dashboard: live figures and confirmations. Loaded from the application itself
// (Content-Security-Policy: script-src 'self'); no inline script, no innerHTML.
(function () {
	'use strict';

	function poll(url, interval) {
		var status = document.getElementById('live-status');
		function update(figures) {
			var cells = document.querySelectorAll('[data-live]');
			for (var i = 0; i < cells.length; i++) {
				var key = cells[i].getAttribute('data-live');
				if (Object.prototype.hasOwnProperty.call(figures, key) && cells[i].textContent !== figures[key]) {
					cells[i].textContent = figures[key];
				}
			}
			if (status) {
				status.textContent = 'Live: updated ' + new Date().toLocaleTimeString();
				status.removeAttribute('data-error');
			}
		}
		function tick() {
			if (document.hidden) {
				return;
			}
			fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
				.then(function (response) {
					if (!response.ok) {
						throw new Error('HTTP ' + response.status);
					}
					return response.json();
				})
				.then(update)
				.catch(function (error) {
					if (status) {
						status.textContent = 'Live figures could not be read: ' + error.message;
						status.setAttribute('data-error', 'true');
					}
				});
		}
		setInterval(tick, interval);
	}

	document.addEventListener('submit', function (event) {
		var question = event.target.getAttribute('data-confirm');
		if (question && !window.confirm(question)) {
			event.preventDefault();
		}
	});

	var body = document.body;
	var url = body.getAttribute('data-poll');
	if (url) {
		poll(url, Math.max(500, parseInt(body.getAttribute('data-interval'), 10) || 3000));
	}
})();
