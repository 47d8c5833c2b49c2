import type { SVGProps } from "react";

type IconProps = SVGProps<SVGSVGElement> & { size?: number };

function icon(paths: string[]) {
  return function Icon({ size = 18, ...props }: IconProps) {
    return (
      <svg width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false" {...props}>
        {paths.map((d) => (
          <path key={d} d={d} />
        ))}
      </svg>
    );
  };
}

export const KeyIcon = icon(["M15.5 7.5a3 3 0 1 0-4.24 4.24 3 3 0 0 0 4.24-4.24Z", "M11.26 11.74 4 19v2h3v-2h2v-2h2l1.26-1.26"]);
export const AuditIcon = icon(["M9 5H7a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-2", "M9 5a2 2 0 0 1 2-2h2a2 2 0 0 1 2 2v0a2 2 0 0 1-2 2h-2a2 2 0 0 1-2-2Z", "M9 12h6", "M9 16h4"]);
export const ScopesIcon = icon(["M12 3 3 8l9 5 9-5-9-5Z", "m3 13 9 5 9-5", "m3 17.5 9 5 9-5"]);
export const ExplorerIcon = icon(["m8 9-4 3 4 3", "m16 9 4 3-4 3", "m13.5 5-3 14"]);
export const TenantsIcon = icon(["M3 21h18", "M5 21V7l7-4 7 4v14", "M9 9h.01M15 9h.01M9 13h.01M15 13h.01M10 21v-4h4v4"]);
export const SubscriptionsIcon = icon(["M4 6h16v12H4z", "M4 10h16", "M8 15h3"]);
export const IdentitiesIcon = icon(["M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8Z", "M2 21v-1a6 6 0 0 1 6-6h2a6 6 0 0 1 6 6v1", "M16 3.13a4 4 0 0 1 0 7.75", "M22 21v-1a6 6 0 0 0-4-5.65"]);
export const PlusIcon = icon(["M12 5v14", "M5 12h14"]);
export const SearchIcon = icon(["M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14Z", "m20 20-3.5-3.5"]);
export const CopyIcon = icon(["M9 9h10v10H9z", "M5 15V5h10"]);
export const CheckIcon = icon(["m5 12 5 5L20 7"]);
export const AlertIcon = icon(["M12 9v4", "M12 17h.01", "M10.3 3.9 2.2 18a2 2 0 0 0 1.7 3h16.2a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0Z"]);
export const ArrowLeftIcon = icon(["M19 12H5", "m12 19-7-7 7-7"]);
export const SortIcon = icon(["m8 9 4-4 4 4", "m16 15-4 4-4-4"]);
export const SortUpIcon = icon(["m8 14 4-4 4 4"]);
export const SortDownIcon = icon(["m8 10 4 4 4-4"]);
export const LogoutIcon = icon(["M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4", "m16 17 5-5-5-5", "M21 12H9"]);
export const WebhooksIcon = icon(["M18 16.98h-5.99c-1.1 0-1.95.94-2.48 1.9A4 4 0 0 1 2 17c.01-.7.2-1.4.57-2", "m6 17 3.13-5.78c.53-.97.1-2.18-.5-3.1a4 4 0 1 1 6.89-4.06", "m12 6 3.13 5.73C15.66 12.7 16.9 13 18 13a4 4 0 0 1 0 8"]);
