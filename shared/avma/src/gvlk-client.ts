/**
 * KMS client setup keys (GVLKs) for Windows 7 through 11. Windows 7 Professional/Enterprise (and N) are in
 * seed 001 table 6 and on Microsoft's page; everything else is quoted from Microsoft's page, where one row
 * often names a Windows 11 and a Windows 10 edition sharing the key ("Windows 11 Pro<br>Windows 10 Pro").
 */
import type { GvlkEntry } from './gvlk.js';
import { gvlk } from './gvlk-entry.js';
import { MS_KMS_2024 } from './gvlk-server.js';

const W11_W10 = ['11', '10'] as const;

export const CLIENT_GVLKS: readonly GvlkEntry[] = Object.freeze([
  gvlk('W269N-WFGWX-YVC9B-4J6C9-T83GX', 'Windows 11 Pro / Windows 10 Pro', W11_W10, 'pro', MS_KMS_2024),
  gvlk('MH37W-N47XK-V7XM9-C7227-GCQG9', 'Windows 11 Pro N / Windows 10 Pro N', W11_W10, 'pro-n', MS_KMS_2024),
  gvlk(
    'NRG8B-VKK3Q-CXVCJ-9G2XF-6Q84J',
    'Windows 11 Pro for Workstations / Windows 10 Pro for Workstations',
    W11_W10,
    'pro-workstations',
    MS_KMS_2024,
  ),
  gvlk(
    '9FNHH-K3HBT-3W4TD-6383H-6XYWF',
    'Windows 11 Pro for Workstations N / Windows 10 Pro for Workstations N',
    W11_W10,
    'pro-workstations-n',
    MS_KMS_2024,
  ),
  gvlk(
    '6TP4R-GNPTD-KYYHQ-7B7DP-J447Y',
    'Windows 11 Pro Education / Windows 10 Pro Education',
    W11_W10,
    'pro-education',
    MS_KMS_2024,
  ),
  gvlk(
    'YVWGF-BXNMC-HTQYQ-CPQ99-66QFC',
    'Windows 11 Pro Education N / Windows 10 Pro Education N',
    W11_W10,
    'pro-education-n',
    MS_KMS_2024,
  ),
  gvlk(
    'NW6C2-QMPVW-D7KKK-3GKT6-VCFB2',
    'Windows 11 Education / Windows 10 Education',
    W11_W10,
    'education',
    MS_KMS_2024,
  ),
  gvlk(
    '2WH4N-8QGBV-H22JP-CT43Q-MDWWJ',
    'Windows 11 Education N / Windows 10 Education N',
    W11_W10,
    'education-n',
    MS_KMS_2024,
  ),
  gvlk(
    'NPPR9-FWDCX-D2C8J-H872K-2YT43',
    'Windows 11 Enterprise / Windows 10 Enterprise',
    W11_W10,
    'enterprise',
    MS_KMS_2024,
  ),
  gvlk(
    'DPH2V-TTNVB-4X9Q3-TJR4H-KHJW4',
    'Windows 11 Enterprise N / Windows 10 Enterprise N',
    W11_W10,
    'enterprise-n',
    MS_KMS_2024,
  ),
  gvlk(
    'YYVX9-NTFWV-6MDM3-9PT4T-4M68B',
    'Windows 11 Enterprise G / Windows 10 Enterprise G',
    W11_W10,
    'enterprise-g',
    MS_KMS_2024,
  ),
  gvlk(
    '44RPN-FTY23-9VTTB-MP9BX-T84FV',
    'Windows 11 Enterprise G N / Windows 10 Enterprise G N',
    W11_W10,
    'enterprise-g-n',
    MS_KMS_2024,
  ),
  gvlk(
    'M7XTQ-FN8P6-TTKYV-9D4CC-J462D',
    'Windows 11 Enterprise LTSC 2024 / Windows 10 Enterprise LTSC 2021 / Windows 10 Enterprise LTSC 2019',
    W11_W10,
    'enterprise-ltsc',
    MS_KMS_2024,
  ),
  gvlk(
    '92NFX-8DJQP-P6BBQ-THF9C-7CG2H',
    'Windows 11 Enterprise N LTSC 2024 / Windows 10 Enterprise N LTSC 2021 / Windows 10 Enterprise N LTSC 2019',
    W11_W10,
    'enterprise-n-ltsc',
    MS_KMS_2024,
  ),
  gvlk(
    'KBN8V-HFGQ4-MGXVD-347P6-PDQGT',
    'Windows IoT Enterprise LTSC 2024 / Windows IoT Enterprise LTSC 2021',
    W11_W10,
    'iot-enterprise-ltsc',
    MS_KMS_2024,
  ),
  gvlk(
    'DCPHK-NFMTC-H88MJ-PFHPY-QJ4BJ',
    'Windows 10 Enterprise LTSB 2016',
    ['10'],
    'enterprise-ltsb',
    MS_KMS_2024,
  ),
  gvlk(
    'QFFDN-GRT3P-VKWWX-X7T3R-8B639',
    'Windows 10 Enterprise N LTSB 2016',
    ['10'],
    'enterprise-n-ltsb',
    MS_KMS_2024,
  ),
  gvlk(
    'WNMTR-4C88C-JK8YV-HQ7T2-76DF9',
    'Windows 10 Enterprise LTSB 2015',
    ['10'],
    'enterprise-ltsb',
    MS_KMS_2024,
  ),
  gvlk(
    '2F77B-TNFGY-69QQF-B8YKP-D69TJ',
    'Windows 10 Enterprise N LTSB 2015',
    ['10'],
    'enterprise-n-ltsb',
    MS_KMS_2024,
  ),
  gvlk('GCRJD-8NW9H-F2CDX-CCM8D-9D6T9', 'Windows 8.1 Pro', ['8.1'], 'pro', MS_KMS_2024),
  gvlk('HMCNV-VVBFX-7HMBH-CTY9B-B4FXY', 'Windows 8.1 Pro N', ['8.1'], 'pro-n', MS_KMS_2024),
  gvlk('MHF9N-XY6XB-WVXMC-BTDCT-MKKG7', 'Windows 8.1 Enterprise', ['8.1'], 'enterprise', MS_KMS_2024),
  gvlk('TT4HM-HN7YT-62K67-RGRQJ-JFFXW', 'Windows 8.1 Enterprise N', ['8.1'], 'enterprise-n', MS_KMS_2024),
  gvlk('NG4HW-VH26C-733KW-K6F98-J8CK4', 'Windows 8 Pro', ['8'], 'pro', MS_KMS_2024),
  gvlk('XCVCF-2NXM9-723PB-MHCB7-2RYQQ', 'Windows 8 Pro N', ['8'], 'pro-n', MS_KMS_2024),
  gvlk('32JNW-9KQ84-P47T8-D8GGY-CWCK7', 'Windows 8 Enterprise', ['8'], 'enterprise', MS_KMS_2024),
  gvlk('JMNMF-RHW7P-DMY6X-RF3DR-X2BQT', 'Windows 8 Enterprise N', ['8'], 'enterprise-n', MS_KMS_2024),
  gvlk('FJ82H-XT6CR-J8D7P-XQJJ2-GPDD4', 'Windows 7 Professional', ['7'], 'pro', MS_KMS_2024),
  gvlk('MRPKT-YTG23-K7D7T-X2JMM-QY7MG', 'Windows 7 Professional N', ['7'], 'pro-n', MS_KMS_2024),
  gvlk('W82YF-2Q76Y-63HXB-FGJG9-GF7QX', 'Windows 7 Professional E', ['7'], 'pro-e', MS_KMS_2024),
  gvlk('33PXH-7Y6KF-2VJC9-XBBR8-HVTHH', 'Windows 7 Enterprise', ['7'], 'enterprise', MS_KMS_2024),
  gvlk('YDRBP-3D83W-TY26F-D46B2-XCKRJ', 'Windows 7 Enterprise N', ['7'], 'enterprise-n', MS_KMS_2024),
  gvlk('C29WB-22CC8-VJ326-GHFJW-H9DH4', 'Windows 7 Enterprise E', ['7'], 'enterprise-e', MS_KMS_2024),
]);
