import { createContext, type ReactNode } from 'react';

/**
 * The account badge, placed by each screen's top bar in the page's flow: a badge fixed over the
 * page covered the last Recent thumbnail and the last History row.
 */
export const AccountSlot = createContext<ReactNode>(null);
