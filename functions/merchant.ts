/**
 * The merchant's choices, made once for every function. Plug a custom provisioner in here (see
 * docs/extend.md); without one, `KG_PROVISIONER` (`generate` or `http`) decides.
 */
import { defineMerchant } from '../shared';

export const merchant = defineMerchant({});
