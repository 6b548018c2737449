/**
 * The answer of a basic interface before it is encoded: what the lifecycle decides and the protocol
 * serialises (V2 plain JSON; V1 with credentials encrypted and a Body-Sign).
 * @module
 */
import type { ResultCode } from '../core/resultCodes';

/** Access details in clear, as they go into a response (V2 plain, V1 encrypted by protocol). */
export interface AppInfoPlain {
  frontEndUrl: string;
  adminUrl?: string;
  userName?: string;
  password?: string;
  memo?: string;
}

/** Usage figures shown by queryInstance (`usageInfo`). */
export interface UsageInfo {
  relatedInstanceId?: string;
  /** Up to 4 decimals. */
  usageValue: number;
  /** UTC `yyyyMMddHHmmssSSS`. */
  statisticalTime: string;
  dashboardUrl?: string;
}

/** A response before serialisation. Protocol adds nothing but encoding (V1: encryption + Body-Sign). */
export interface ResponseModel {
  resultCode: ResultCode;
  resultMsg: string;
  instanceId?: string;
  /** queryInstance. */
  info?: Array<{ instanceId: string; appInfo?: AppInfoPlain; usageInfo?: UsageInfo[] }>;
  /** V1 newInstance returns credentials directly. */
  appInfo?: AppInfoPlain;
}
