import type { Customer } from '@crmkit/core';
import type { LoyaltyAccountView } from '@crmkit/plugin-sdk';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The customer's account page: points, tier and rewards (server-rendered, no script needed). */
export function accountPage(customer: Customer, account: LoyaltyAccountView): string {
  const rewards = account.rewards
    .map(
      (r) =>
        `<li data-reward="${escapeHtml(r.reward.id)}">${escapeHtml(r.reward.name)} — ${r.reward.cost} points${
          r.available && account.balance.available >= r.reward.cost ? '' : ' (not yet)'
        }</li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Your account</title></head>
<body>
<h1>Hello ${escapeHtml(customer.name ?? customer.id)}</h1>
<p id="points">Points: <strong>${account.balance.available}</strong></p>
<p id="tier">Tier: <strong>${escapeHtml(account.tier.name)}</strong></p>
<h2>Rewards</h2>
<ul id="rewards">${rewards}</ul>
</body></html>`;
}
